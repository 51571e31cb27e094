"""The execution event log and the workers' task logs: the two append-only tables."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from orchestrator.admin import pretty_json, status_badge, when

from ..models import ExecutionEvent, Task, TaskLog, Workflow
from .common import ReadOnlyAdmin, preview, row_link, short_row_link
from .filters import EventKindFilter, exact_filter


@admin.register(ExecutionEvent)
class ExecutionEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "at", "kind", "summary", "workflow_short", "task_short")
    list_filter = (exact_filter("workflow", "workflow_id", "workflow_id"), exact_filter("task", "task_id", "task_id"),
                   EventKindFilter, "created")
    search_fields = ("=workflow_id", "=task_id")
    # No date_hierarchy here or on task logs: the biggest tables, and their times are not indexed.
    fields = ("id", "created", "kind", "workflow_link", "task_link", "payload_json")
    readonly_fields = fields

    def get_ordering(self, request: HttpRequest) -> tuple[str, ...]:
        # One execution's history reads oldest first; the whole log newest first.
        return ("id",) if request.GET.get("workflow_id") or request.GET.get("task_id") else ("-id",)

    @admin.display(description="what")
    def summary(self, obj: ExecutionEvent) -> SafeString:
        payload = obj.payload or {}
        status = payload.get("status")
        ref = payload.get("referenceTaskName")
        return format_html("{} {}", ref or "workflow", status_badge(status) if status else "")

    @admin.display(description="at", ordering="id")
    def at(self, obj: ExecutionEvent) -> str:
        return when(obj.created)

    @admin.display(description="workflow", ordering="workflow_id")
    def workflow_short(self, obj: ExecutionEvent) -> SafeString | str:
        return short_row_link(Workflow, obj.workflow_id)

    @admin.display(description="task")
    def task_short(self, obj: ExecutionEvent) -> SafeString | str:
        return short_row_link(Task, obj.task_id)

    @admin.display(description="workflow")
    def workflow_link(self, obj: ExecutionEvent) -> SafeString | str:
        return row_link(Workflow, obj.workflow_id)

    @admin.display(description="task")
    def task_link(self, obj: ExecutionEvent) -> SafeString | str:
        return row_link(Task, obj.task_id)

    @admin.display(description="payload")
    def payload_json(self, obj: ExecutionEvent) -> SafeString:
        return pretty_json(obj.payload)


@admin.register(TaskLog)
class TaskLogAdmin(ReadOnlyAdmin):
    list_display = ("id", "at", "task_short", "short_log")
    list_filter = (exact_filter("task", "task_id", "task_id"), "created_time")
    search_fields = ("=task_id", "log")
    fields = ("id", "created_time", "task_link", "log_text")
    readonly_fields = fields

    def get_ordering(self, request: HttpRequest) -> tuple[str, ...]:
        return ("id",) if request.GET.get("task_id") else ("-id",)

    @admin.display(description="at", ordering="id")
    def at(self, obj: TaskLog) -> str:
        return when(obj.created_time)

    @admin.display(description="task", ordering="task_id")
    def task_short(self, obj: TaskLog) -> SafeString | str:
        return short_row_link(Task, obj.task_id)

    @admin.display(description="task")
    def task_link(self, obj: TaskLog) -> SafeString | str:
        return row_link(Task, obj.task_id)

    @admin.display(description="log")
    def short_log(self, obj: TaskLog) -> str:
        return preview(obj.log, 120)

    @admin.display(description="log")
    def log_text(self, obj: TaskLog) -> SafeString:
        return format_html('<pre style="margin:0; white-space:pre-wrap;">{}</pre>', obj.log)
