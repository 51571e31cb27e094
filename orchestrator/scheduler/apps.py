from __future__ import annotations

from django.apps import AppConfig


class SchedulerConfig(AppConfig):
    name = "orchestrator.scheduler"
    label = "scheduler"
    verbose_name = "Schedules"
    default_auto_field = "django.db.models.BigAutoField"
