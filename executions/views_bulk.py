"""Bulk actions on the whole filter of the run list: a confirmation that shows how many runs it
will touch, then the action on exactly those.

"Exactly those": the confirmation pins the moment it counted (`as_of`), and the POST acts on the
runs that matched then and still match (a run started after the count is never touched; a run
that left the filter, say it completed, is skipped). Each run goes through the same service as
its own page, one transaction each, so one refusal does not stop the others.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from orchestrator.engine.operations import OperationRefused
from orchestrator.services.errors import ServiceError

from .filters import FilterError, parse
from .pages import dashboard_page
from .store import runlist
from .views_run import ACTIONS

BULK_ACTIONS = ("pause", "resume", "terminate", "retry", "restart")
BULK_MAX = 1000  # runs per confirmation; narrow the filter for more
PREVIEW = 20


@dashboard_page
@require_http_methods(["GET", "POST"])
def bulk(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    errors: dict[str, str] = {}
    action = data.get("action", "")
    if action not in BULK_ACTIONS:
        errors["action"] = f"choose one of {', '.join(BULK_ACTIONS)}"
    query = QueryDict(data.get("filter", ""))
    try:
        f = parse(dict(query.lists()))
    except FilterError as exc:
        errors.update(exc.errors)
    as_of = _as_of(data.get("as_of", ""), errors) if request.method == "POST" else timezone.now()
    if errors:
        return render(request, "executions/bulk.html", {"errors": errors, "filter": query.urlencode()}, status=400)
    matching = runlist.filtered(f).filter(create_time__lte=as_of)
    ids = list(matching.order_by("-create_time", "-id").values_list("id", flat=True)[: BULK_MAX + 1])
    if request.method == "GET":
        return render(request, "executions/bulk.html", {
            "action": action, "count": min(len(ids), BULK_MAX), "too_many": len(ids) > BULK_MAX,
            "preview": ids[:PREVIEW], "filter": query.urlencode(), "as_of": as_of.isoformat(), "max": BULK_MAX,
            "needs_reason": action == "terminate",
        })
    done, refused = 0, []
    reason = data.get("reason", "").strip()
    for workflow_id in ids[:BULK_MAX]:
        try:
            ACTIONS[action](workflow_id, reason)
            done += 1
        except (ServiceError, OperationRefused) as exc:
            refused.append(f"{workflow_id}: {getattr(exc, 'message', exc)}")
    messages.success(request, f"Bulk {action}: done for {done} execution{'s' if done != 1 else ''}.")
    if refused:
        messages.error(request, f"{len(refused)} refused; first: {refused[0]}")
    return HttpResponseRedirect(reverse("executions:runs") + "?" + query.urlencode(), status=303)


def _as_of(raw: str, errors: dict[str, str]) -> datetime:
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        errors["as_of"] = "the confirmation is missing its time; count again"
        return timezone.now()
