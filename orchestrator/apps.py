from django.apps import AppConfig


class OrchestratorConfig(AppConfig):
    name = "orchestrator"
    verbose_name = "Definitions and access"
    default_auto_field = "django.db.models.BigAutoField"
