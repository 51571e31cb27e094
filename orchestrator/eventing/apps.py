from __future__ import annotations

from django.apps import AppConfig


class EventingConfig(AppConfig):
    name = "orchestrator.eventing"
    label = "eventing"
    verbose_name = "Event handlers"
    default_auto_field = "django.db.models.BigAutoField"
