"""Workflow executions: the list, and one execution's page linking to its tasks and history."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from orchestrator.admin import change_link, changelist_link, pretty_json, status_badge, when

from ..models import Task, Workflow
from .common import RunColumns, elapsed, row_link, short_row_link
from .filters import WorkflowNameFilter, exact_filter
from .workflow_actions import WorkflowOperations


@admin.register(Workflow)
class WorkflowAdmin(RunColumns, WorkflowOperations):
    list_display = ("id_link", "name_version", "status_badge", "correlation_id", "started", "duration",
                    "short_reason")
    list_display_links = None
    list_filter = ("status", WorkflowNameFilter, "create_time", exact_filter("parent workflow", "parent",
                                                                            "parent_workflow_id"))
    search_fields = ("=id", "=correlation_id", "^name", "=idempotency_key")
    date_hierarchy = "create_time"
    fieldsets = [
        (None, {"fields": [
            "id", ("name", "version"), "definition", "status_badge", "reason", "correlation_id", "priority",
            "created_by", "idempotency_key", "parent", "api",
        ]}),
        ("Tasks and history", {"fields": ["task_summary", "history"]}),
        ("Times", {"fields": [("create_time", "update_time"), ("end_time", "duration"), "last_retried_time",
                              "next_check_at"]}),
        ("Data", {"fields": ["input_json", "output_json", "variables_json", "failed", "task_to_domain_json"]}),
    ]
    readonly_fields = (
        "id", "name", "version", "definition", "status_badge", "reason", "correlation_id", "priority", "created_by",
        "idempotency_key", "parent", "api", "task_summary", "history", "create_time", "update_time", "end_time",
        "duration", "last_retried_time", "next_check_at", "input_json", "output_json", "variables_json", "failed",
        "task_to_domain_json",
    )
    changelist_defer = ("input", "output", "variables", "task_to_domain", "failed_refs", "failed_task_names")

    # -- columns
    @admin.display(description="workflow id", ordering="id")
    def id_link(self, obj: Workflow) -> SafeString | str:
        return short_row_link(Workflow, obj.pk)

    @admin.display(description="workflow", ordering="name")
    def name_version(self, obj: Workflow) -> str:
        return f"{obj.name} v{obj.version}"

    @admin.display(description="started", ordering="create_time")
    def started(self, obj: Workflow) -> str:
        return when(obj.create_time)

    @admin.display(description="duration")
    def duration(self, obj: Workflow) -> str:
        return elapsed(obj.create_time, obj.end_time)

    # -- change page
    @admin.display(description="definition")
    def definition(self, obj: Workflow) -> SafeString:
        return change_link(obj.snapshot, f"{obj.name} v{obj.version} (snapshot {obj.snapshot_id[:12]})")

    @admin.display(description="parent")
    def parent(self, obj: Workflow) -> SafeString | str:
        if not obj.parent_workflow_id:
            return "—"
        return format_html("{} (task {})", row_link(Workflow, obj.parent_workflow_id),
                           row_link(Task, obj.parent_workflow_task_id))

    @admin.display(description="API")
    def api(self, obj: Workflow) -> SafeString:
        url = f"/api/workflow/{obj.pk}"
        return format_html('<a href="{}">{}</a> (JSON, as the SDK sees it)', url, url)

    @admin.display(description="tasks")
    def task_summary(self, obj: Workflow) -> SafeString:
        counts = (
            Task.objects.filter(workflow_id=obj.pk).values("status").annotate(n=Count("id")).order_by("status")
        )
        total = sum(row["n"] for row in counts)
        parts = format_html_join(
            " ", "{} {}",
            ((changelist_link("executions.task", str(row["n"]), workflow_id=obj.pk, status__exact=row["status"]),
              status_badge(row["status"])) for row in counts),
        )
        everything = changelist_link("executions.task", f"all {total} tasks →", workflow_id=obj.pk)
        return format_html("{} &nbsp; {}", everything, parts) if total else format_html("none")

    @admin.display(description="history")
    def history(self, obj: Workflow) -> SafeString:
        live = f"/ws/workflows/{obj.pk}/"
        return format_html("{} &nbsp; live stream: <code>{}</code>",
                           changelist_link("executions.executionevent", "event log →", workflow_id=obj.pk), live)

    @admin.display(description="variables")
    def variables_json(self, obj: Workflow) -> SafeString:
        return pretty_json(obj.variables)

    @admin.display(description="failed tasks (ref / name)")
    def failed(self, obj: Workflow) -> str:
        refs, names = obj.failed_refs or [], obj.failed_task_names or []
        return f"{', '.join(refs)} / {', '.join(names)}" if refs or names else "—"

    @admin.display(description="task to domain")
    def task_to_domain_json(self, obj: Workflow) -> SafeString:
        return pretty_json(obj.task_to_domain)
