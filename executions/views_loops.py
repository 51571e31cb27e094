"""JSON for the run page's island: the collapsed execution and a dynamic fork's branches, paged.

GET /executions/<id>/run.json — the execution without its forks' branches, with their tallies.
GET /executions/<id>/branches?fork=<ref>&iteration=<n>&after=<seq>&group=<success|pending|failed>
    — one page (50) of that fork's branches, keyset-paged by seq, with the fork's tally.
Both follow the run page's rule (staff); bad parameters are a 400 naming the field.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from . import store
from .pages import dashboard_page
from .run_loops import BadParam, branch_json, collapsed_run
from .store import loops


def _not_found(workflow_id: str) -> JsonResponse:
    return JsonResponse({"error": f"no execution {workflow_id}", "field": "workflow_id"}, status=404)


@dashboard_page
@require_GET
def run_json(request: HttpRequest, workflow_id: str) -> HttpResponse:
    body = collapsed_run(workflow_id)
    return _not_found(workflow_id) if body is None else JsonResponse(body)


def _whole(request: HttpRequest, field: str, default: int) -> int:
    value = request.GET.get(field, "")
    if not value:
        return default
    if not value.isdigit() or len(value) > 12:
        raise BadParam(field, f"a whole number from 0, not {value[:40]!r}")
    return int(value)


@dashboard_page
@require_GET
def branches(request: HttpRequest, workflow_id: str) -> HttpResponse:
    row = store.workflow(workflow_id)
    if row is None:
        return _not_found(workflow_id)
    fork = request.GET.get("fork", "")
    group = request.GET.get("group", "") or None
    try:
        if fork not in loops.fork_refs(row.snapshot.definition):
            raise BadParam("fork", f"{fork[:80]!r} is no dynamic fork of this execution")
        if group is not None and group not in loops.GROUPS:
            raise BadParam("group", f"one of {', '.join(loops.GROUPS)}")
        iteration, after = _whole(request, "iteration", 0), _whole(request, "after", 0)
    except BadParam as exc:
        return JsonResponse({"error": str(exc), "field": exc.field}, status=400)
    page = loops.branch_page(workflow_id, fork, iteration, after, group)
    tally = loops.fork_tallies(workflow_id, [fork]).get(fork, {}).get(str(iteration))
    return JsonResponse({"fork": fork, "iteration": iteration, "group": group, "pageSize": loops.PAGE_SIZE,
                         "tally": tally or dict.fromkeys((*loops.GROUPS, "total"), 0),
                         "branches": [branch_json(b) for b in page.branches], "nextAfter": page.next_after})
