"""Create an API application and print its key id and secret as the SDK's two variables."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from orchestrator.models import ApiApplication
from orchestrator.services.access import create_application


class Command(BaseCommand):
    help = "Create an API key for workers and clients; prints CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="A name for the application, e.g. 'billing-workers'.")
        parser.add_argument(
            "--role", choices=[r for r, _ in ApiApplication.ROLES], default=ApiApplication.ROLE_ADMIN,
            help="ADMIN may call every API; WORKER may only poll and update tasks.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        app, secret = create_application(options["name"], options["role"])
        self.stdout.write(f"CONDUCTOR_AUTH_KEY={app.key_id}")
        self.stdout.write(f"CONDUCTOR_AUTH_SECRET={secret}")
