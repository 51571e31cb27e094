"""The run page (/execution/<id>, the URL the SDK prints, and /executions/<id>) and its actions.

The page is server-rendered (summary, input/output/variables, actions, logs, and the task panel
of ?task=<ref>: executions/run_drawer.py, its actions in views_run_task.py); the diagram, the
task table and the island's own task drawer are the editor's React island in read-only mode
(src/run.tsx), live over /ws/workflows/<id>/. Actions are CSRF-protected POSTs that call the same
services as the REST API, so the same rules (status guards, restartable=false) apply. The live
refresh re-reads ?partial=live and appends ?partial=logs&after=<last log line id>.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_POST

from editor.views import RUN_ENTRY, assets
from orchestrator.engine.operations import OperationRefused
from orchestrator.services import operations, workflows
from orchestrator.services.errors import ServiceError

from . import run_drawer, store
from .human_notes import note_of, with_submitted
from .models import Workflow
from .pages import dashboard_page
from .run_loops import BadParam, iteration_picks
from .store import loops, runlist

# The page shows at most this many log lines; logs.txt has them all.
LOG_LINES_SHOWN = 5000
# status → the actions the page offers (the services refuse the others anyway).
ACTIONS_BY_STATUS = {
    "RUNNING": ("pause", "terminate"),
    "PAUSED": ("resume", "terminate"),
    "FAILED": ("retry", "restart", "restart_latest"),
    "TIMED_OUT": ("retry", "restart", "restart_latest"),
    "TERMINATED": ("retry", "restart", "restart_latest"),
    "COMPLETED": ("restart", "restart_latest"),
}
ACTIONS: dict[str, Callable[[str, str], None]] = {
    "pause": lambda wid, _: workflows.pause(wid),
    "resume": lambda wid, _: workflows.resume(wid),
    "terminate": lambda wid, reason: workflows.terminate(wid, reason or None),
    "retry": lambda wid, _: operations.retry(wid),
    "restart": lambda wid, _: operations.restart(wid),
    "restart_latest": lambda wid, _: operations.restart(wid, use_latest_definitions=True),
}
DONE = {"pause": "Paused.", "resume": "Resumed.", "terminate": "Terminated.", "retry": "Retrying the failed tasks.",
        "restart": "Restarted.", "restart_latest": "Restarted on the latest definition."}


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=False, ensure_ascii=False, default=str)


def _history(workflow_id: str, refs: dict[str, str]) -> list[dict[str, Any]]:
    """The newest events, each a task/workflow status or a human note (with the ref of its task)."""
    out = []
    events = runlist.history(workflow_id)
    raw = [(e.id, note_of(e)) for e in events]
    filled = iter(with_submitted([n for _, n in raw if n is not None]))
    human = {event_id: next(filled) for event_id, n in raw if n is not None}
    for event in events:
        p = event.payload or {}
        out.append({"created": event.created, "kind": event.kind, "ref": p.get("referenceTaskName"),
                    "status": p.get("status", ""), "worker": p.get("workerId"),
                    "reason": p.get("reasonForIncompletion") or p.get("reason"), "human": human.get(event.id),
                    "note_ref": refs.get(str(p.get("taskId") or event.task_id or ""))})
    return out


@dashboard_page
@ensure_csrf_cookie
def run_page(request: HttpRequest, workflow_id: str) -> HttpResponse:
    row = store.workflow(workflow_id)
    if row is None:
        return render(request, "executions/not_found.html", {"workflow_id": workflow_id}, status=404)
    try:
        picks = iteration_picks(request.GET)  # ?iter.<loop ref>=N: the DO_WHILE iterations shown
    except BadParam as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    if request.GET.get("partial") == "logs":
        return log_lines(request, workflow_id)
    ref = request.GET.get("task", "")
    drawer = run_drawer.build(row, ref, request.GET.get("attempt", "")) if ref else None
    context = run_context(request, row, drawer, picks)
    if request.GET.get("partial") == "live":
        return render(request, "executions/_run_live.html", context)
    return render(request, "executions/run.html", context)


def log_lines(request: HttpRequest, workflow_id: str) -> HttpResponse:
    """The log lines after `after` (a log line id), for the live refresh to append."""
    try:
        after = max(0, int(request.GET.get("after") or 0))
    except ValueError:
        return HttpResponse("after: not a log line id", status=400, content_type="text/plain")
    log_task = request.GET.get("logs_task", "")
    log_q = request.GET.get("q", "").strip()[:200]
    logs = runlist.logs_of(workflow_id, log_task or None, log_q, limit=LOG_LINES_SHOWN, after=after)
    return render(request, "executions/_run_log_lines.html", {"logs": logs})


def run_context(request: HttpRequest, row: Workflow, drawer: run_drawer.Drawer | None,
                picks: dict[str, int] | None = None) -> dict[str, Any]:
    """What run.html shows; the task actions re-render it with a form's error in the drawer."""
    workflow_id = row.id
    # The log filter's task list leaves out dynamic forks' branches (a 10,000-branch fork made this
    # page take seconds); their lines are still under "all tasks" and found by search.
    tasks = loops.tasks_without_branches(workflow_id, loops.fork_refs(row.snapshot.definition))
    log_task = request.GET.get("logs_task", "")
    log_q = request.GET.get("q", "").strip()[:200]
    logs = runlist.logs_of(workflow_id, log_task or None, log_q, limit=LOG_LINES_SHOWN)
    log_params = {k: v for k, v in (("logs_task", log_task), ("q", log_q)) if v}
    # The diagram is the definition this execution ran (its snapshot), not the latest version.
    island = {"workflowId": row.id, "definition": row.snapshot.definition, "status": row.status,
              "iterations": picks or {}, "runJson": reverse("executions:run-json", args=[row.id]),
              "branchesUrl": reverse("executions:run-branches", args=[row.id])}
    config = {"base": "/editor/", "api": "/api", "csrfToken": get_token(request), "user": request.user.get_username()}
    context = {
        "wf": row, "tasks": tasks, "logs": logs, "log_task": log_task, "log_q": log_q,
        "logs_capped": len(logs) >= LOG_LINES_SHOWN,
        "log_query": urlencode(log_params), "logs_txt": reverse("executions:run-logs", args=[row.id]),
        "history": _history(workflow_id, {t.id: t.ref for t in tasks}),
        "actions": ACTIONS_BY_STATUS.get(row.status, ()),
        "input": _pretty(row.input), "output": _pretty(row.output), "variables": _pretty(row.variables),
        # quoted, not reversed: a name from an inline workflowDef must not turn the page into a 500
        "editor_url": f"/editor/{quote(row.name, safe='')}/?version={row.version}",
        "parent_url": reverse("executions:run", args=[row.parent_workflow_id]) if row.parent_workflow_id else None,
        "assets": assets(RUN_ENTRY), "island": island, "config": config,
        "run_url": reverse("executions:run", args=[row.id]),
        "drawer": drawer, "last_log_id": logs[-1][0].id if logs else 0,
    }
    return context


@dashboard_page
@require_POST
def run_action(request: HttpRequest, workflow_id: str) -> HttpResponse:
    action = request.POST.get("action", "")
    back = HttpResponseRedirect(reverse("executions:run", args=[workflow_id]), status=303)
    if store.workflow_status(workflow_id) is None:
        return render(request, "executions/not_found.html", {"workflow_id": workflow_id}, status=404)
    if action not in ACTIONS:
        messages.error(request, f"action: unknown action {action!r}; one of {', '.join(ACTIONS)}")
        return back
    try:
        ACTIONS[action](workflow_id, request.POST.get("reason", "").strip())
    except (ServiceError, OperationRefused) as exc:
        messages.error(request, str(getattr(exc, "message", exc)))
    else:
        messages.success(request, DONE[action])
    return back
