"""The run page's task drawer as a fragment, and the actions on one task from it.

Actions are CSRF-protected POSTs through the services the Conductor REST API calls: rerun from a
task with new input (`operations.rerun` with `reRunFromTaskId`, as POST /workflow/{id}/rerun),
skip a task not yet scheduled (`operations.skip_task`, as PUT .../skiptask/{ref}), and complete
or fail a pending WAIT by hand (`tasks.finish_by_hand`, a task update noted with who did it) or a
HUMAN one (the inbox's staff override, `humantasks.service.settle`: its form and its row). Each
form carries a confirmation box, checked here too. A bad form re-renders the run page with the
error beside its field (400); success and refusals redirect back with a message.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from orchestrator.engine.operations import OperationRefused
from orchestrator.engine.results import TaskResult
from orchestrator.engine.status import TaskStatus
from orchestrator.humantasks import service as human
from orchestrator.services import operations, tasks
from orchestrator.services.errors import InvalidInput, ServiceError

from . import run_drawer, store
from .models import Workflow
from .pages import dashboard_page
from .views_run import run_context

TASK_ACTIONS = ("rerun", "skip", "complete", "fail")
DONE = {"rerun": "Rerunning from {ref}.", "skip": "Skipped {ref}.",
        "complete": "Completed {ref} by hand.", "fail": "Failed {ref} by hand."}


class FormError(Exception):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name, self.message = name, message


@dashboard_page
@require_GET
def task_drawer(request: HttpRequest, workflow_id: str, ref: str) -> HttpResponse:
    """The drawer alone, for the page's script to show without a reload (and to refresh live)."""
    row = store.workflow(workflow_id)
    drawer = run_drawer.build(row, ref, request.GET.get("attempt", "")) if row is not None else None
    if row is None or drawer is None:
        return HttpResponse(f"No task {ref!r} in execution {workflow_id!r}", status=404, content_type="text/plain")
    return render(request, "executions/_run_drawer.html",
                  {"wf": row, "drawer": drawer, "run_url": reverse("executions:run", args=[row.id])})


def _json_object(request: HttpRequest, name: str) -> dict[str, Any]:
    text = request.POST.get(name, "").strip() or "{}"
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormError(name, f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from exc
    if not isinstance(value, dict):
        raise FormError(name, "must be a JSON object ({...})")
    return value


def _perform(request: HttpRequest, workflow_id: str, drawer: run_drawer.Drawer, action: str) -> None:
    task = drawer.task
    if action == "skip":
        operations.skip_task(workflow_id, drawer.ref, None, None)
        return
    assert task is not None  # `actions_for` offers the others only for a task that ran
    if action == "rerun":
        chosen = request.POST.get("task_id", "")
        if chosen not in {t.id for t in drawer.attempts}:
            raise FormError("task_id", f"not an attempt of {drawer.ref}")
        operations.rerun(workflow_id, {"reRunFromTaskId": chosen, "taskInput": _json_object(request, "task_input")})
        return
    by = request.user.get_username()
    output, reason = {}, ""
    if action == "complete":
        output = _json_object(request, "output")
    else:
        reason = request.POST.get("reason", "").strip()[:2000]
        if not reason:
            raise FormError("reason", "say why the task failed")
    if task.task_type == "HUMAN":
        # the inbox's staff override: its form checks the output, and the inbox row records who
        # decided (the task page, four-eyes on later steps and the audit note all see it)
        human.settle(task.id, request.user, approve=action == "complete", data=output, reason=reason)
        return
    result = (TaskResult(status=TaskStatus.COMPLETED, output=output) if action == "complete"
              else TaskResult(status=TaskStatus.FAILED, output={}, reason=reason))
    tasks.finish_by_hand(task.id, result, by)


def _form_error(request: HttpRequest, row: Workflow, drawer: run_drawer.Drawer, action: str, name: str,
                message: str) -> HttpResponse:
    """The run page again (400), the drawer's form open with what was typed and the error beside its field."""
    drawer.values.update({k: request.POST[k] for k in ("task_input", "output", "reason") if k in request.POST})
    drawer.errors = {name: message}
    drawer.open_action = action
    return render(request, "executions/run.html", run_context(request, row, drawer), status=400)


@dashboard_page
@require_POST
def task_action(request: HttpRequest, workflow_id: str, ref: str) -> HttpResponse:
    row = store.workflow(workflow_id)
    if row is None:
        return render(request, "executions/not_found.html", {"workflow_id": workflow_id}, status=404)
    drawer = run_drawer.build(row, ref, request.POST.get("task_id", ""))
    if drawer is None:
        messages.error(request, f"task: no task {ref!r} in this execution")
        return HttpResponseRedirect(reverse("executions:run", args=[workflow_id]), status=303)
    page = reverse("executions:run", args=[workflow_id])
    back = HttpResponseRedirect(f"{page}?{urlencode({'task': ref})}#task-drawer", status=303)
    action = request.POST.get("action", "")
    try:
        if action not in TASK_ACTIONS:
            raise FormError("action", f"unknown action {action!r}; one of {', '.join(TASK_ACTIONS)}")
        if action not in drawer.actions:
            messages.error(request, f"action: {action} is not possible for {ref} now (the task or the run moved on)")
            return back
        if request.POST.get("confirm") != "yes":
            raise FormError(f"confirm_{action}", "tick the box to confirm")
        _perform(request, workflow_id, drawer, action)
    except FormError as exc:
        return _form_error(request, row, drawer, action, exc.name, exc.message)
    except InvalidInput as exc:  # the new input breaks the task's enforced inputSchema
        return _form_error(request, row, drawer, action, "task_input" if action == "rerun" else "output", exc.message)
    except (ServiceError, OperationRefused) as exc:
        messages.error(request, str(getattr(exc, "message", exc)))
        return back
    messages.success(request, DONE[action].format(ref=ref))
    return back
