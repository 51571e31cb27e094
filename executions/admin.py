"""Admin for execution state: read-only views, and actions that go through the services.

Nothing here writes execution state with the ORM: terminate, pause and resume call
`orchestrator.services.workflows`, which lock the workflow, decide and record events exactly
as the API does. Rows cannot be added, edited or deleted from the admin.

Tables here grow large, so the changelists avoid full counts and joins, defer JSON columns and
link to filtered lists (a workflow's tasks, a task's logs) instead of inlining them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from orchestrator.admin import change_link, changelist_link, pretty_json, short_id, status_badge, when
from orchestrator.engine.status import WorkflowStatus
from orchestrator.models import WorkflowDef
from orchestrator.services import workflows
from orchestrator.services.errors import ServiceError
from orchestrator.systemtasks import registry

from .models import DefinitionSnapshot, ExecutionEvent, Task, TaskLog, Workflow

TERMINAL = {s.value for s in WorkflowStatus if s.is_terminal}


def _admin_url(model: type[models.Model], pk: Any) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])


def _id_link(model: type[models.Model], pk: Any, label: str | None = None) -> SafeString | str:
    if not pk:
        return "—"
    return format_html('<a href="{}"><code style="color:inherit">{}</code></a>', _admin_url(model, pk), label or pk)


def _short_link(model: type[models.Model], pk: Any) -> SafeString | str:
    """A link showing the first 8 characters of the id (the whole id is the tooltip)."""
    if not pk:
        return "—"
    return format_html('<a href="{}">{}</a>', _admin_url(model, pk), short_id(str(pk)))


def _on_changelist(request: HttpRequest) -> bool:
    match = request.resolver_match
    return match is not None and (match.url_name or "").endswith("_changelist")


def exact_filter(title: str, parameter: str, lookup: str) -> type[admin.SimpleListFilter]:
    """A sidebar filter for one exact value given in the URL (e.g. ?workflow_id=...).

    Links from other admin pages set it; the sidebar shows it so it can be cleared. It offers no
    choices of its own: listing every workflow id would not scale.
    """

    class ExactFilter(admin.SimpleListFilter):
        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
            value = self.value()
            return [(value, Truncator(value).chars(24))] if value else []

        def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
            value = self.value()
            return queryset.filter(**{lookup: value}) if value else queryset

    ExactFilter.title = title
    ExactFilter.parameter_name = parameter
    ExactFilter.__name__ = f"{parameter.title().replace('_', '')}Filter"
    return ExactFilter


class ChoiceFilter(admin.SimpleListFilter):
    """A filter whose choices are fixed or come from a small table, never from SELECT DISTINCT on a big one."""

    field = ""

    def choices_for(self, request: HttpRequest) -> list[str]:
        raise NotImplementedError

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(c, c) for c in self.choices_for(request)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(**{self.field: value}) if value else queryset


class WorkflowNameFilter(ChoiceFilter):
    title = "name"
    parameter_name = "name"
    field = "name"

    def choices_for(self, request: HttpRequest) -> list[str]:
        return list(WorkflowDef.objects.order_by("name").values_list("name", flat=True).distinct()[:200])


class TaskTypeFilter(ChoiceFilter):
    title = "task type"
    parameter_name = "task_type"
    field = "task_type"

    def choices_for(self, request: HttpRequest) -> list[str]:
        return sorted(t for t in registry.TYPES if t != "USER_DEFINED")


class EventKindFilter(ChoiceFilter):
    title = "kind"
    parameter_name = "kind"
    field = "kind"

    def choices_for(self, request: HttpRequest) -> list[str]:
        return ["task", "workflow"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Execution rows are written by the engine only."""

    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# -- definition snapshots ------------------------------------------------------------------------


@admin.register(DefinitionSnapshot)
class DefinitionSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("short_digest", "name", "version", "created", "executions")
    list_filter = ("created",)
    search_fields = ("^name", "=digest")
    date_hierarchy = "created"
    fields = ("name", "version", "digest", "created", "executions", "definition_json")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[DefinitionSnapshot]:
        qs = super().get_queryset(request)
        if _on_changelist(request):
            qs = qs.defer("definition")
        return qs

    @admin.display(description="digest", ordering="digest")
    def short_digest(self, obj: DefinitionSnapshot) -> SafeString:
        return format_html("<code>{}</code>", obj.digest[:12])

    @admin.display(description="executions")
    def executions(self, obj: DefinitionSnapshot) -> SafeString:
        return changelist_link("executions.workflow", "executions →", snapshot=obj.digest)

    @admin.display(description="definition")
    def definition_json(self, obj: DefinitionSnapshot) -> SafeString:
        return pretty_json(obj.definition)


# -- workflows -----------------------------------------------------------------------------------


@admin.register(Workflow)
class WorkflowAdmin(ReadOnlyAdmin):
    list_display = ("id_link", "name_version", "status_badge", "correlation_id", "started", "duration",
                    "short_reason")
    list_display_links = None
    list_filter = ("status", WorkflowNameFilter, "create_time", exact_filter("parent workflow", "parent",
                                                                            "parent_workflow_id"))
    search_fields = ("=id", "=correlation_id", "^name", "=idempotency_key")
    date_hierarchy = "create_time"
    actions = ["terminate_selected", "pause_selected", "resume_selected"]
    change_form_template = "admin/executions/workflow/change_form.html"
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[Workflow]:
        qs = super().get_queryset(request)
        if _on_changelist(request):
            qs = qs.defer("input", "output", "variables", "task_to_domain", "failed_refs", "failed_task_names")
        return qs

    # -- permissions: actions need change permission on workflows; the rows stay read-only
    def has_operate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("executions.change_workflow")

    # -- columns
    @admin.display(description="workflow id", ordering="id")
    def id_link(self, obj: Workflow) -> SafeString | str:
        return _short_link(Workflow, obj.pk)

    @admin.display(description="workflow", ordering="name")
    def name_version(self, obj: Workflow) -> str:
        return f"{obj.name} v{obj.version}"

    @admin.display(description="started", ordering="create_time")
    def started(self, obj: Workflow) -> str:
        return when(obj.create_time)

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj: Workflow) -> SafeString:
        return status_badge(obj.status)

    @admin.display(description="duration")
    def duration(self, obj: Workflow) -> str:
        if obj.end_time is None or obj.create_time is None:
            return "—"
        seconds = (obj.end_time - obj.create_time).total_seconds()
        return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:,.1f} s"

    @admin.display(description="reason")
    def short_reason(self, obj: Workflow) -> str:
        return Truncator(obj.reason or "").chars(50)

    # -- change page
    @admin.display(description="definition")
    def definition(self, obj: Workflow) -> SafeString:
        return change_link(obj.snapshot, f"{obj.name} v{obj.version} (snapshot {obj.snapshot_id[:12]})")

    @admin.display(description="parent")
    def parent(self, obj: Workflow) -> SafeString | str:
        if not obj.parent_workflow_id:
            return "—"
        return format_html("{} (task {})", _id_link(Workflow, obj.parent_workflow_id),
                           _id_link(Task, obj.parent_workflow_task_id))

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

    @admin.display(description="input")
    def input_json(self, obj: Workflow) -> SafeString:
        return pretty_json(obj.input)

    @admin.display(description="output")
    def output_json(self, obj: Workflow) -> SafeString:
        return pretty_json(obj.output)

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

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        obj = context.get("original")
        context["can_operate"] = self.has_operate_permission(request)
        context["is_open"] = obj is not None and obj.status not in TERMINAL
        context["is_paused"] = obj is not None and obj.status == WorkflowStatus.PAUSED.value
        return super().render_change_form(request, context, *args, **kwargs)

    # -- actions (all through orchestrator.services.workflows)
    def _apply(self, request: HttpRequest, ids: list[str], verb: str, call: Any) -> None:
        done, failed = 0, []
        for workflow_id in ids:
            try:
                call(workflow_id)
                done += 1
            except ServiceError as exc:
                failed.append(f"{workflow_id}: {exc.message}")
        if done:
            self.message_user(request, f"{verb} {done} workflow(s).", messages.SUCCESS)
        for line in failed[:20]:
            self.message_user(request, line, messages.ERROR)
        if len(failed) > 20:
            self.message_user(request, f"… and {len(failed) - 20} more errors.", messages.ERROR)

    @admin.action(description="Terminate selected workflows…", permissions=["operate"])
    def terminate_selected(self, request: HttpRequest, queryset: QuerySet[Workflow]) -> HttpResponse | None:
        open_ids = list(queryset.exclude(status__in=TERMINAL).values_list("id", flat=True))
        skipped = queryset.filter(status__in=TERMINAL).count()
        if request.POST.get("post") != "yes":
            return self._terminate_confirmation(
                request, open_ids, skipped, form_action=request.get_full_path(),
                hidden=[("action", "terminate_selected"), ("post", "yes"),
                        ("select_across", request.POST.get("select_across", "0"))]
                + [(helpers.ACTION_CHECKBOX_NAME, pk) for pk in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)],
            )
        reason = self._reason(request)
        self._apply(request, open_ids, "Terminated", lambda pk: workflows.terminate(pk, reason))
        if skipped:
            self.message_user(request, f"Skipped {skipped} workflow(s) that had already finished.", messages.INFO)
        return None

    @admin.action(description="Pause selected workflows", permissions=["operate"])
    def pause_selected(self, request: HttpRequest, queryset: QuerySet[Workflow]) -> None:
        ids = list(queryset.filter(status=WorkflowStatus.RUNNING.value).values_list("id", flat=True))
        self._apply(request, ids, "Paused", workflows.pause)
        if not ids:
            self.message_user(request, "None of the selected workflows is RUNNING.", messages.WARNING)

    @admin.action(description="Resume selected workflows", permissions=["operate"])
    def resume_selected(self, request: HttpRequest, queryset: QuerySet[Workflow]) -> None:
        ids = list(queryset.filter(status=WorkflowStatus.PAUSED.value).values_list("id", flat=True))
        self._apply(request, ids, "Resumed", workflows.resume)
        if not ids:
            self.message_user(request, "None of the selected workflows is PAUSED.", messages.WARNING)

    def _reason(self, request: HttpRequest) -> str:
        reason = (request.POST.get("reason") or "").strip()[:1000]
        return reason or f"Terminated from the admin by {request.user.get_username()}"

    def _terminate_confirmation(
        self, request: HttpRequest, ids: list[str], skipped: int, *, form_action: str, hidden: list[tuple[str, Any]]
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Terminate workflows?",
            "workflows": Workflow.objects.filter(pk__in=ids[:50]).only("id", "name", "version", "status"),
            "count": len(ids),
            "more": max(0, len(ids) - 50),
            "skipped": skipped,
            "form_action": form_action,
            "hidden": hidden,
        }
        return TemplateResponse(request, "admin/executions/workflow/terminate_confirmation.html", context)

    # -- one workflow: buttons on the change page
    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/terminate/", wrap(self.terminate_view), name="executions_workflow_terminate"),
            path("<path:object_id>/pause/", wrap(self.pause_view), name="executions_workflow_pause"),
            path("<path:object_id>/resume/", wrap(self.resume_view), name="executions_workflow_resume"),
            *super().get_urls(),
        ]

    def _one(self, request: HttpRequest, object_id: str) -> Workflow:
        if not self.has_operate_permission(request):
            raise PermissionDenied
        return get_object_or_404(Workflow.objects.only("id", "name", "version", "status"), pk=object_id)

    def terminate_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._one(request, object_id)
        back = _admin_url(Workflow, obj.pk)
        if request.method == "POST":
            if obj.status in TERMINAL:
                self.message_user(request, f"Workflow {obj.pk} had already finished ({obj.status}).", messages.INFO)
            else:
                self._apply(request, [obj.pk], "Terminated", lambda pk: workflows.terminate(pk, self._reason(request)))
            return HttpResponseRedirect(back)
        open_ids = [obj.pk] if obj.status not in TERMINAL else []
        return self._terminate_confirmation(request, open_ids, 1 - len(open_ids), form_action=request.path,
                                            hidden=[])

    def pause_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._one(request, object_id)
        if request.method == "POST":
            self._apply(request, [obj.pk], "Paused", workflows.pause)
        return HttpResponseRedirect(_admin_url(Workflow, obj.pk))

    def resume_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._one(request, object_id)
        if request.method == "POST":
            self._apply(request, [obj.pk], "Resumed", workflows.resume)
        return HttpResponseRedirect(_admin_url(Workflow, obj.pk))


# -- tasks ---------------------------------------------------------------------------------------


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
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
            ("callback_after_seconds", "start_delay_seconds", "response_timeout_seconds"), ("retried", "processed",
                                                                                           "open"),
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

    def get_ordering(self, request: HttpRequest) -> tuple[str, ...]:
        # One workflow's tasks in execution order; otherwise the most recently scheduled first.
        return ("seq",) if request.GET.get("workflow_id") else ("-scheduled_time",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Task]:
        qs = super().get_queryset(request)
        if _on_changelist(request):
            qs = qs.defer("input", "output")
        return qs

    @admin.display(description="task", ordering="ref")
    def ref_link(self, obj: Task) -> SafeString | str:
        return _id_link(Task, obj.pk, obj.ref)

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj: Task) -> SafeString:
        return status_badge(obj.status)

    @admin.display(description="workflow")
    def workflow_link(self, obj: Task) -> SafeString | str:
        return _id_link(Workflow, obj.workflow_id)

    @admin.display(description="reason")
    def short_reason(self, obj: Task) -> str:
        return Truncator(obj.reason or "").chars(50)

    @admin.display(description="workflow", ordering="workflow_id")
    def workflow_short(self, obj: Task) -> SafeString | str:
        return _short_link(Workflow, obj.workflow_id)

    @admin.display(description="attempt")
    def attempt(self, obj: Task) -> str:
        text = f"#{obj.retry_count + 1}"
        return f"{text} · iteration {obj.iteration}" if obj.iteration else text

    @admin.display(description="scheduled", ordering="scheduled_time")
    def scheduled(self, obj: Task) -> str:
        return when(obj.scheduled_time)

    @admin.display(description="ran for")
    def duration(self, obj: Task) -> str:
        if obj.start_time is None or obj.end_time is None:
            return "—"
        seconds = (obj.end_time - obj.start_time).total_seconds()
        return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:,.1f} s"

    @admin.display(description="all attempts")
    def attempts(self, obj: Task) -> SafeString:
        return changelist_link("executions.task", f"every attempt of {obj.ref} →", workflow_id=obj.workflow_id,
                               ref=obj.ref)

    @admin.display(description="retry of")
    def retried_from(self, obj: Task) -> SafeString | str:
        return _id_link(Task, obj.retried_task_id)

    @admin.display(description="sub-workflow")
    def sub_workflow(self, obj: Task) -> SafeString | str:
        return _id_link(Workflow, obj.sub_workflow_id)

    @admin.display(description="logs")
    def logs(self, obj: Task) -> SafeString:
        count = TaskLog.objects.filter(task_id=obj.pk).count()
        return changelist_link("executions.tasklog", f"{count} log line(s) →", task_id=obj.pk)

    @admin.display(description="history")
    def history(self, obj: Task) -> SafeString:
        return changelist_link("executions.executionevent", "events of this task →", task_id=obj.pk)

    @admin.display(description="input")
    def input_json(self, obj: Task) -> SafeString:
        return pretty_json(obj.input)

    @admin.display(description="output")
    def output_json(self, obj: Task) -> SafeString:
        return pretty_json(obj.output)


# -- event log and task logs ---------------------------------------------------------------------


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
        return _short_link(Workflow, obj.workflow_id)

    @admin.display(description="task")
    def task_short(self, obj: ExecutionEvent) -> SafeString | str:
        return _short_link(Task, obj.task_id)

    @admin.display(description="workflow")
    def workflow_link(self, obj: ExecutionEvent) -> SafeString | str:
        return _id_link(Workflow, obj.workflow_id)

    @admin.display(description="task")
    def task_link(self, obj: ExecutionEvent) -> SafeString | str:
        return _id_link(Task, obj.task_id)

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
        return _short_link(Task, obj.task_id)

    @admin.display(description="task")
    def task_link(self, obj: TaskLog) -> SafeString | str:
        return _id_link(Task, obj.task_id)

    @admin.display(description="log")
    def short_log(self, obj: TaskLog) -> str:
        return Truncator(obj.log).chars(120)

    @admin.display(description="log")
    def log_text(self, obj: TaskLog) -> SafeString:
        return format_html('<pre style="margin:0; white-space:pre-wrap;">{}</pre>', obj.log)
