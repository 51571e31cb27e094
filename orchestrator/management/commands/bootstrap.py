"""First-run setup for `make run`: an admin user and a worker API key, printed once."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser

from orchestrator.conf import baton
from orchestrator.models import ApiApplication
from orchestrator.services.access import create_application

MARKER_APP = "baton-quickstart"


class Command(BaseCommand):
    help = "Create the first admin user and API key if none exist, and print their credentials."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", default="8000")

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        url = f"http://127.0.0.1:{options['port']}"
        lines = []
        if not user_model.objects.filter(is_superuser=True).exists():
            password = secrets.token_urlsafe(12)
            user_model.objects.create_superuser("admin", "admin@localhost", password)
            lines += [f"Admin user created: admin / {password}  (log in at {url}/login/; the admin is {url}/admin/)"]
        if baton.AUTH and not ApiApplication.objects.filter(name=MARKER_APP).exists():
            app, secret = create_application(MARKER_APP)
            lines += [
                "API key for workers and clients (shown once; `python manage.py create_api_key NAME` makes more):",
                f"  export CONDUCTOR_SERVER_URL={url}/api",
                f"  export CONDUCTOR_AUTH_KEY={app.key_id}",
                f"  export CONDUCTOR_AUTH_SECRET={secret}",
            ]
        if lines:
            bar = "=" * 78
            self.stdout.write("\n".join([bar, *lines, bar]))
