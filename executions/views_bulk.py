"""Bulk actions from the run list, on a checkbox selection or on the whole filter: a confirmation
that shows how many runs (and which) it will touch, then the action on exactly those.

"Exactly those": a selection is its ids. For a filter, the confirmation pins the moment it
counted (`as_of`), and the POST acts on the runs that matched then and still match (a run started
after the count is never touched; a run that left the filter, say it completed, is skipped). Each
run goes through the same service as its own page, one transaction each, so one refusal does not
stop the others; the result names every run that was refused, with the reason.
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

# action → (verb, what follows the count): "Restart 3 executions on the latest definition?"
BULK_VERBS = {
    "pause": ("Pause", ""), "resume": ("Resume", ""), "terminate": ("Terminate", ""), "retry": ("Retry", ""),
    "restart": ("Restart", " on their current definition"),
    "restart_latest": ("Restart", " on the latest definition"),
}
BULK_ACTIONS = tuple(BULK_VERBS)
BULK_LABELS = {"restart": "restart (current definition)", "restart_latest": "restart (latest definition)"}
BULK_MAX = 1000  # runs per confirmation; narrow the filter for more
PREVIEW = 20  # ids shown on a filter's confirmation (a selection shows them all)
REFUSALS_SHOWN = 20


def selected_ids(data: QueryDict) -> list[str]:
    """The checked rows, plus every row of the page when "select all on this page" is checked
    (the rows carry their ids as `shown`, so this works without JavaScript)."""
    ids = data.getlist("ids") + (data.getlist("shown") if data.get("page") == "all" else [])
    return list(dict.fromkeys(i.strip() for i in ids if i.strip()))


@dashboard_page
@require_http_methods(["GET", "POST"])
def bulk(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    errors: dict[str, str] = {}
    action = data.get("action", "")
    if action not in BULK_ACTIONS:
        errors["action"] = f"choose one of {', '.join(BULK_ACTIONS)}"
    query = QueryDict(data.get("filter", ""))
    on_selection = data.get("scope") == "selection"
    ids: list[str] = []
    if on_selection:
        ids = selected_ids(data)
        if not ids:
            errors["ids"] = "select at least one execution (tick its row), or act on the whole filter"
        elif len(ids) > BULK_MAX:
            errors["ids"] = f"at most {BULK_MAX} executions at once"
    else:
        try:
            f = parse(dict(query.lists()))
        except FilterError as exc:
            errors.update(exc.errors)
    as_of = _as_of(data.get("as_of", ""), errors) if request.method == "POST" and not on_selection else timezone.now()
    if errors:
        return render(request, "executions/bulk.html", {"errors": errors, "filter": query.urlencode()}, status=400)
    if not on_selection:
        matching = runlist.filtered(f).filter(create_time__lte=as_of)
        ids = list(matching.order_by("-create_time", "-id").values_list("id", flat=True)[: BULK_MAX + 1])
    if request.method == "GET":
        return _confirmation(request, action, ids, on_selection, query, as_of)
    done, refused = _act(action, ids[:BULK_MAX], data.get("reason", "").strip())
    _report(request, action, done, refused)
    return HttpResponseRedirect(reverse("executions:runs") + "?" + query.urlencode(), status=303)


def _confirmation(request: HttpRequest, action: str, ids: list[str], on_selection: bool, query: QueryDict,
                  as_of: datetime) -> HttpResponse:
    verb, suffix = BULK_VERBS[action]
    context = {
        "action": action, "verb": verb, "suffix": suffix, "filter": query.urlencode(), "max": BULK_MAX,
        "needs_reason": action == "terminate", "on_selection": on_selection,
    }
    if on_selection:
        found = runlist.summaries(ids)
        context.update(count=len(ids), selected=[(i, found.get(i)) for i in ids])
    else:
        context.update(count=min(len(ids), BULK_MAX), too_many=len(ids) > BULK_MAX, preview=ids[:PREVIEW],
                       as_of=as_of.isoformat())
    return render(request, "executions/bulk.html", context)


def _act(action: str, ids: list[str], reason: str) -> tuple[int, list[tuple[str, str]]]:
    done, refused = 0, []
    for workflow_id in ids:
        try:
            ACTIONS[action](workflow_id, reason)
            done += 1
        except (ServiceError, OperationRefused) as exc:
            refused.append((workflow_id, str(getattr(exc, "message", exc))))
    return done, refused


def _report(request: HttpRequest, action: str, done: int, refused: list[tuple[str, str]]) -> None:
    label = BULK_LABELS.get(action, action)
    messages.success(request, f"Bulk {label}: done for {done} execution{'s' if done != 1 else ''}.")
    if not refused:
        return
    messages.error(request, f"{len(refused)} refused:")
    for workflow_id, reason in refused[:REFUSALS_SHOWN]:
        messages.error(request, f"{workflow_id}: {reason}")
    if len(refused) > REFUSALS_SHOWN:
        messages.error(request, f"… and {len(refused) - REFUSALS_SHOWN} more refused.")


def _as_of(raw: str, errors: dict[str, str]) -> datetime:
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        errors["as_of"] = "the confirmation is missing its time; count again"
        return timezone.now()
