"""Terminate, pause and resume from the admin: changelist actions and change-page buttons.

Every operation calls `orchestrator.services.workflows`, as the API does; the admin only asks,
confirms and reports.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path

from orchestrator.admin import admin_url
from orchestrator.engine.status import WorkflowStatus
from orchestrator.services import workflows
from orchestrator.services.errors import ServiceError

from ..models import Workflow
from .common import TERMINAL, ReadOnlyAdmin


class WorkflowOperations(ReadOnlyAdmin):
    """The operations on workflows; the rows themselves stay read-only."""

    actions = ["terminate_selected", "pause_selected", "resume_selected"]
    change_form_template = "admin/executions/workflow/change_form.html"

    # -- permissions: operating needs change permission on workflows
    def has_operate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("executions.change_workflow")

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        obj = context.get("original")
        context["can_operate"] = self.has_operate_permission(request)
        context["is_open"] = obj is not None and obj.status not in TERMINAL
        context["is_paused"] = obj is not None and obj.status == WorkflowStatus.PAUSED.value
        return super().render_change_form(request, context, *args, **kwargs)

    def _apply(self, request: HttpRequest, ids: list[str], verb: str, call: Callable[[str], Any]) -> None:
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

    # -- changelist actions
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
        back = admin_url(Workflow, obj.pk)
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
        return HttpResponseRedirect(admin_url(Workflow, obj.pk))

    def resume_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._one(request, object_id)
        if request.method == "POST":
            self._apply(request, [obj.pk], "Resumed", workflows.resume)
        return HttpResponseRedirect(admin_url(Workflow, obj.pk))
