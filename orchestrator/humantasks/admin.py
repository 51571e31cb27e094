"""Human tasks in the admin: listed with their assignment, due time and status; staff may
reassign, complete or fail selected tasks. The rows stay read-only: each action asks on a
confirmation page, then calls the inbox's service (`reassign`, `settle`), so the transition table,
the form's schema check and the audit note apply as everywhere else."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from orchestrator.services.errors import ServiceError

from . import service
from .models import HumanApproval, HumanTask

OPEN = (HumanTask.Status.OPEN, HumanTask.Status.CLAIMED)
ASKS = {  # action → (title, the field it asks for)
    "reassign_selected": ("Reassign human tasks", "assignee"),
    "complete_selected": ("Complete human tasks", "data"),
    "fail_selected": ("Fail human tasks", "reason"),
}


class VoteInline(admin.TabularInline):
    model = HumanApproval
    extra = 0
    can_delete = False
    fields = readonly_fields = ("username", "approve", "at", "data", "reason")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(HumanTask)
class HumanTaskAdmin(admin.ModelAdmin):
    list_display = ("ref", "workflow_name", "status", "assignment", "claimed_by", "due_time", "decided_by", "created")
    list_filter = ("status", "workflow_name")
    search_fields = ("task_id", "workflow_id", "workflow_name", "ref")
    readonly_fields = [f.name for f in HumanTask._meta.fields]
    list_select_related = ("claimed_by", "decided_by")
    inlines = [VoteInline]
    actions = list(ASKS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_settle_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_staff)  # the service checks again (transitions: staff, permission)

    @admin.display(description="Assignment")
    def assignment(self, obj: HumanTask) -> str:
        if obj.open_to_all:
            return "anyone signed in"
        parts = [*obj.candidate_users, *(f"group {g}" for g in obj.candidate_groups)]
        return ", ".join(parts) or "nobody"

    @admin.display(description="Due")
    def due_time(self, obj: HumanTask) -> Any:
        return getattr(obj, "due_at", None) or "—"  # the due-time field, where that feature is installed

    @admin.action(description="Reassign selected tasks to a user…", permissions=["settle"])
    def reassign_selected(self, request: HttpRequest, queryset: QuerySet[HumanTask]) -> HttpResponse | None:
        return self._ask(request, queryset, "reassign_selected", self._reassign)

    @admin.action(description="Complete (approve) selected tasks…", permissions=["settle"])
    def complete_selected(self, request: HttpRequest, queryset: QuerySet[HumanTask]) -> HttpResponse | None:
        return self._ask(request, queryset, "complete_selected", self._complete)

    @admin.action(description="Fail (reject) selected tasks…", permissions=["settle"])
    def fail_selected(self, request: HttpRequest, queryset: QuerySet[HumanTask]) -> HttpResponse | None:
        return self._ask(request, queryset, "fail_selected", self._fail)

    # -- what each action does with the answer (raises ServiceError, shown per task)
    def _reassign(self, request: HttpRequest, task_id: str, answer: str) -> None:
        service.reassign(task_id, request.user, answer)

    def _complete(self, request: HttpRequest, task_id: str, answer: str) -> None:
        service.settle(task_id, request.user, approve=True, data=json.loads(answer or "{}"))

    def _fail(self, request: HttpRequest, task_id: str, answer: str) -> None:
        service.settle(task_id, request.user, approve=False, reason=answer)

    def _ask(self, request: HttpRequest, queryset: QuerySet[HumanTask], action: str,
             apply: Callable[[HttpRequest, str, str], None]) -> HttpResponse | None:
        rows = list(queryset.filter(status__in=OPEN)[:200])
        title, field = ASKS[action]
        answer = (request.POST.get(field) or "").strip()
        error = ""
        if request.POST.get("post") == "yes":
            error = self._problem(field, answer)
            if not error:
                self._apply(request, rows, apply, answer)
                return None
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "title": title,
            "rows": rows, "field": field, "answer": answer, "error": error,
            "skipped": queryset.exclude(status__in=OPEN).count(),
            "hidden": [("action", action), ("post", "yes"), ("select_across", request.POST.get("select_across", "0"))]
            + [(helpers.ACTION_CHECKBOX_NAME, pk) for pk in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)],
        }
        return TemplateResponse(request, "admin/humantasks/action.html", context, status=400 if error else 200)

    @staticmethod
    def _problem(field: str, answer: str) -> str:
        if field in ("assignee", "reason") and not answer:
            return f"{field}: required"
        if field == "data":
            try:
                value = json.loads(answer or "{}")
            except ValueError as exc:
                return f"data: not JSON ({exc})"
            if not isinstance(value, dict):
                return "data: must be a JSON object"
        return ""

    def _apply(self, request: HttpRequest, rows: list[HumanTask], apply: Callable[[HttpRequest, str, str], None],
               answer: str) -> None:
        done, failed = 0, []
        for row in rows:
            try:
                apply(request, row.task_id, answer)
                done += 1
            except ServiceError as exc:
                failed.append(f"{row.ref} ({row.task_id}): {exc.message}")
        if done:
            self.message_user(request, f"Done for {done} task(s).", messages.SUCCESS)
        for line in failed[:20]:
            self.message_user(request, line, messages.ERROR)
        if not rows:
            self.message_user(request, "None of the selected tasks is open or claimed.", messages.WARNING)
