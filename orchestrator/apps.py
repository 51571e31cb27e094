from __future__ import annotations

from django.apps import AppConfig


class OrchestratorConfig(AppConfig):
    name = "orchestrator"
    verbose_name = "Definitions and access"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every Django process (Daphne, manage.py, the Celery worker) configures the Celery app
        # here, so @shared_task senders use Baton's broker settings rather than Celery's default
        # app. It used to be imported by orchestrator/__init__.py, which made importing the pure
        # engine load Celery and Django.
        from . import celery  # noqa: F401
