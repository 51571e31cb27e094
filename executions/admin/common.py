"""What the execution admins share: the read-only base, row links and the columns of a run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from orchestrator.admin import admin_url, pretty_json, short_id, status_badge
from orchestrator.engine.status import WorkflowStatus

from ..models import Task, Workflow

TERMINAL = {s.value for s in WorkflowStatus if s.is_terminal}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Execution rows are written by the engine only."""

    show_full_result_count = False
    # JSON columns a changelist never shows: deferred there, loaded on the change page.
    changelist_defer: tuple[str, ...] = ()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        match = request.resolver_match
        if self.changelist_defer and match is not None and (match.url_name or "").endswith("_changelist"):
            qs = qs.defer(*self.changelist_defer)
        return qs


class RunColumns:
    """Columns a workflow and a task both have: a status, an input and an output."""

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj: Workflow | Task) -> SafeString:
        return status_badge(obj.status)

    @admin.display(description="input")
    def input_json(self, obj: Workflow | Task) -> SafeString:
        return pretty_json(obj.input)

    @admin.display(description="output")
    def output_json(self, obj: Workflow | Task) -> SafeString:
        return pretty_json(obj.output)

    @admin.display(description="reason")
    def short_reason(self, obj: Workflow | Task) -> str:
        return preview(obj.reason, 50)


def row_link(model: type[models.Model], pk: Any, label: str | None = None) -> SafeString | str:
    """A link to a row's change page showing its whole id (or the label)."""
    if not pk:
        return "—"
    return format_html('<a href="{}"><code style="color:inherit">{}</code></a>', admin_url(model, pk), label or pk)


def short_row_link(model: type[models.Model], pk: Any) -> SafeString | str:
    """A link showing the first 8 characters of the id (the whole id is the tooltip)."""
    if not pk:
        return "—"
    return format_html('<a href="{}">{}</a>', admin_url(model, pk), short_id(str(pk)))


def elapsed(start: datetime | None, end: datetime | None) -> str:
    """How long something ran: milliseconds under a second, else seconds; a dash while unknown."""
    if start is None or end is None:
        return "—"
    seconds = (end - start).total_seconds()
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:,.1f} s"


def preview(text: str | None, length: int) -> str:
    return Truncator(text or "").chars(length)
