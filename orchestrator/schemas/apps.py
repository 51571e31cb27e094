from __future__ import annotations

from django.apps import AppConfig


class SchemasConfig(AppConfig):
    name = "orchestrator.schemas"
    label = "schemas"
    verbose_name = "JSON schemas"
    default_auto_field = "django.db.models.BigAutoField"
