"""Print a signed one-click link (approve or reject) to a human task for one user, e.g. to paste
into an email or a chat message: `manage.py human_link <taskId> <username> approve`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from orchestrator.humantasks import links, service
from orchestrator.services.errors import NotFound


class Command(BaseCommand):
    help = "Print a signed link that lets one user approve or reject a human task after a confirm page."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("task_id", help="The HUMAN task's id (as on /inbox/<taskId>/).")
        parser.add_argument("username", help="The user the link is for; nobody else can use it.")
        parser.add_argument("action", choices=links.ACTIONS)
        parser.add_argument("--hours", type=float, default=links.DEFAULT_HOURS,
                            help=f"How long the link works (default {links.DEFAULT_HOURS}).")
        parser.add_argument("--base-url", default="", help="Prefix, e.g. https://baton.example.com")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["hours"] <= 0:
            raise CommandError("--hours must be positive")
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}")
        try:
            row = service.get(options["task_id"])
        except NotFound as exc:
            raise CommandError(exc.message) from exc
        if not service.may_see(row, service.actor_of(user)):
            raise CommandError(f"{user.get_username()} may not see task {row.task_id}: the link would not work")
        url = links.signed_link(row.task_id, user, options["action"], hours=options["hours"])
        self.stdout.write(options["base_url"].rstrip("/") + url)
