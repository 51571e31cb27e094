from __future__ import annotations

from django.apps import AppConfig


class HumanTasksConfig(AppConfig):
    name = "orchestrator.humantasks"
    label = "humantasks"
    verbose_name = "Human tasks"
    default_auto_field = "django.db.models.BigAutoField"
