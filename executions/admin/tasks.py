"""Task executions: every attempt of every task, linked to its workflow, logs and events."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.safestring import SafeString

from orchestrator.admin import changelist_link, when

from ..models import Task, TaskLog, Workflow
from .common import ReadOnlyAdmin, RunColumns, elapsed, row_link, short_row_link
from .filters import TaskTypeFilter, exact_filter


@admin.register(Task)
class TaskAdmin(RunColumns, ReadOnlyAdmin):
    list_display = ("ref_link", "task_type", "status_badge", "attempt", "workflow_short", "worker_id", "scheduled",
                    "duration", "short_reason")
    list_display_links = None
    list_filter = (exact_filter("workflow", "workflow_id", "workflow_id"), "status", TaskTypeFilter,
                   "scheduled_time")
    search_fields = ("=id", "=workflow__id", "^ref", "^def_name", "=worker_id")
    # No date_hierarchy: its min/max query would scan the whole task table (scheduled_time has no index).
    fieldsets = [
        (None, {"fields": [
            "id", "workflow_link", ("ref", "node_ref"), ("task_type", "def_name"), ("queue", "domain"),
            "status_badge", "reason", ("seq", "iteration", "retry_count"), "attempts", "retried_from",
            ("worker_id", "poll_count"), "sub_workflow",
        ]}),
        ("Logs and history", {"fields": ["logs", "history"]}),
        ("Times", {"fields": [
            ("scheduled_time", "start_time"), ("end_time", "update_time"), ("available_at", "lease_deadline"),
            ("callback_after_seconds", "start_delay_seconds", "response_timeout_seconds"),
            ("retried", "processed", "open"),
        ]}),
        ("Data", {"fields": ["input_json", "output_json"]}),
    ]
    readonly_fields = (
        "id", "workflow_link", "ref", "node_ref", "task_type", "def_name", "queue", "domain", "status_badge",
        "reason", "seq", "iteration", "retry_count", "attempts", "retried_from", "worker_id", "poll_count",
        "sub_workflow", "logs", "history", "scheduled_time", "start_time", "end_time", "update_time",
        "available_at", "lease_deadline", "callback_after_seconds", "start_delay_seconds",
        "response_timeout_seconds", "retried", "processed", "open", "input_json", "output_json",
    )
    changelist_defer = ("input", "output")

    def get_ordering(self, request: HttpRequest) -> tuple[str, ...]:
        # One workflow's tasks in execution order; otherwise the most recently scheduled first.
        return ("seq",) if request.GET.get("workflow_id") else ("-scheduled_time",)

    @admin.display(description="task", ordering="ref")
    def ref_link(self, obj: Task) -> SafeString | str:
        return row_link(Task, obj.pk, obj.ref)

    @admin.display(description="workflow")
    def workflow_link(self, obj: Task) -> SafeString | str:
        return row_link(Workflow, obj.workflow_id)

    @admin.display(description="workflow", ordering="workflow_id")
    def workflow_short(self, obj: Task) -> SafeString | str:
        return short_row_link(Workflow, obj.workflow_id)

    @admin.display(description="attempt")
    def attempt(self, obj: Task) -> str:
        text = f"#{obj.retry_count + 1}"
        return f"{text} · iteration {obj.iteration}" if obj.iteration else text

    @admin.display(description="scheduled", ordering="scheduled_time")
    def scheduled(self, obj: Task) -> str:
        return when(obj.scheduled_time)

    @admin.display(description="ran for")
    def duration(self, obj: Task) -> str:
        return elapsed(obj.start_time, obj.end_time)

    @admin.display(description="all attempts")
    def attempts(self, obj: Task) -> SafeString:
        return changelist_link("executions.task", f"every attempt of {obj.ref} →", workflow_id=obj.workflow_id,
                               ref=obj.ref)

    @admin.display(description="retry of")
    def retried_from(self, obj: Task) -> SafeString | str:
        return row_link(Task, obj.retried_task_id)

    @admin.display(description="sub-workflow")
    def sub_workflow(self, obj: Task) -> SafeString | str:
        return row_link(Workflow, obj.sub_workflow_id)

    @admin.display(description="logs")
    def logs(self, obj: Task) -> SafeString:
        count = TaskLog.objects.filter(task_id=obj.pk).count()
        return changelist_link("executions.tasklog", f"{count} log line(s) →", task_id=obj.pk)

    @admin.display(description="history")
    def history(self, obj: Task) -> SafeString:
        return changelist_link("executions.executionevent", "events of this task →", task_id=obj.pk)
