"""The /schedules/ pages: list, detail with fire history, create/edit with a live preview.

Any logged-in user may look; changing a schedule needs a staff user (the API's ADMIN rule).
Every change goes through `services.schedules` / `services.schedule_fires`, as the API's do;
forms post with Django's CSRF token. Times are sent as ISO instants and shown in the viewer's
own time zone by the page's script (with the schedule's zone beside them).
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from cron_descriptor import get_description
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from orchestrator.models import WorkflowDef
from orchestrator.services import schedule_fires, schedules
from orchestrator.services.errors import ServiceError

from .cron import CronError, SpringCron
from .models import Schedule

PREVIEW_COUNT = 10


def _require_staff(request: HttpRequest) -> None:
    if not request.user.is_staff:
        raise PermissionDenied("Changing schedules needs a staff user")


def _schedule(name: str) -> Schedule:
    try:
        return schedules.get(name)
    except ServiceError as exc:
        raise Http404(str(exc)) from exc


def explain(expression: str) -> str:
    """The cron in words (cron-descriptor reads Spring's 6 fields, L, W and # as Quartz does)."""
    try:
        return str(get_description(expression))
    except Exception:  # noqa: BLE001 - any parse failure of the describer just means no words
        return ""


@login_required
@require_GET
def schedule_list(request: HttpRequest) -> HttpResponse:
    rows = schedules.all_schedules()
    last = schedule_fires.last_fires(rows)
    now = timezone.now()
    items = [{"row": r, "words": explain(r.cron_expression), "next": schedule_fires.next_fire(r, now),
              "last": last.get(r.pk)} for r in rows]
    return render(request, "scheduler/list.html", {"items": items, "can_edit": request.user.is_staff})


@login_required
@require_GET
def schedule_detail(request: HttpRequest, name: str) -> HttpResponse:
    row = _schedule(name)
    context = {"row": row, "words": explain(row.cron_expression), "next": schedule_fires.next_fire(row),
               "fires": schedule_fires.history(row), "can_edit": request.user.is_staff,
               "request_json": json.dumps(row.start_workflow_request, indent=2)}
    return render(request, "scheduler/detail.html", context)


@login_required
def schedule_form(request: HttpRequest, name: str | None = None) -> HttpResponse:
    row = _schedule(name) if name else None
    if request.method == "POST":
        _require_staff(request)
        doc, error = _document(request.POST, name)
        if error is None:
            try:
                saved = schedules.check_save(doc, request.user.get_username())
                return redirect("scheduler:detail", name=saved.name)
            except ServiceError as exc:
                error = exc.message
        return _render_form(request, row, request.POST, error, status=400)
    if request.method != "GET":
        return HttpResponse(status=405)
    values: dict[str, Any] = {"zone": "UTC", "cron": "0 * * * * ?", "input": "{}"}
    if row is not None:
        req = row.start_workflow_request or {}
        values = {"name": row.name, "description": row.description, "cron": row.cron_expression,
                  "zone": row.zone_id, "workflow": req.get("name", ""), "version": req.get("version") or "",
                  "input": json.dumps(req.get("input") or {}, indent=2), "correlation": req.get("correlationId") or "",
                  "catchup": row.run_catchup_schedule_instances, "paused": row.paused}
    return _render_form(request, row, values, None)


def _render_form(request: HttpRequest, row: Schedule | None, values: Any, error: str | None,
                 status: int = 200) -> HttpResponse:
    context = {"row": row, "values": values, "error": error, "can_edit": request.user.is_staff,
               "workflows": sorted(set(WorkflowDef.objects.values_list("name", flat=True)))}
    return render(request, "scheduler/form.html", context, status=status)


def _document(form: Any, name: str | None) -> tuple[dict[str, Any], str | None]:
    """The form as a SaveScheduleRequest; the input JSON is checked here (its field is the form's)."""
    try:
        wf_input = json.loads(form.get("input") or "{}")
    except json.JSONDecodeError as exc:
        return {}, f"startWorkflowRequest.input: not valid JSON ({exc.msg} at line {exc.lineno})"
    version = (form.get("version") or "").strip()
    request: dict[str, Any] = {"name": form.get("workflow") or "", "input": wf_input}
    if version:
        if not version.isdigit():
            return {}, "startWorkflowRequest.version must be a positive integer"
        request["version"] = int(version)
    if form.get("correlation"):
        request["correlationId"] = form["correlation"]
    return {"name": name or (form.get("name") or "").strip(), "description": form.get("description") or "",
            "cronExpression": (form.get("cron") or "").strip(), "zoneId": (form.get("zone") or "UTC").strip(),
            "startWorkflowRequest": request, "runCatchupScheduleInstances": form.get("catchup") == "on",
            "paused": form.get("paused") == "on"}, None


@login_required
@require_POST
def schedule_action(request: HttpRequest, name: str, action: str) -> HttpResponse:
    _require_staff(request)
    _schedule(name)
    user = request.user.get_username()
    if action == "pause":
        schedules.pause(name, request.POST.get("reason") or "paused from the schedules page", user)
    elif action == "resume":
        schedules.resume(name, user)
    elif action == "run":
        schedule_fires.run_now(name)
    elif action == "delete":
        schedules.delete(name)
        return redirect("scheduler:list")
    else:
        raise Http404(f"no action {action!r}")
    return redirect("scheduler:detail", name=name)


@login_required
@require_GET
def preview(request: HttpRequest) -> JsonResponse:
    """The next fire times and the words for a cron being typed (the form calls it as you type)."""
    expression, zone = request.GET.get("cron") or "", request.GET.get("zone") or "UTC"
    try:
        cron = SpringCron.parse(expression, zone)
    except CronError as exc:
        return JsonResponse({"error": str(exc), "field": exc.field, "times": [], "words": ""}, status=400)
    times = list(itertools.islice(cron.iter_after(timezone.now()), PREVIEW_COUNT))
    return JsonResponse({"error": None, "words": explain(expression), "zone": zone,
                         "times": [t.isoformat() for t in times]})
