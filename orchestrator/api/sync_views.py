"""Execute-and-wait and signal-and-wait: async views that wait without holding a server thread."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse, JsonResponse

from orchestrator.services import shapes, signals, workflows
from orchestrator.services.access import Principal

from .base import async_api_view
from .exceptions import BadRequest
from .parsing import integer, loads, require_object, text

_WAIT_STEP = 0.05
_MAX_WAIT_SECONDS = 300


def _run_json(workflow_id: str, request_id: str | None, strategy: str) -> dict[str, Any]:
    row = workflows.get(workflow_id)
    tasks = workflows.tasks_of(workflow_id)
    wf = shapes.workflow_json(row, tasks)
    run = {key: wf[key] for key in ("workflowId", "correlationId", "input", "output", "status", "tasks",
                                     "variables", "priority", "createTime", "updateTime", "createdBy")}
    run.update(requestId=request_id, responseType=strategy, targetWorkflowId=workflow_id,
               targetWorkflowStatus=row.status, workflowType=row.name)
    if strategy in ("BLOCKING_TASK", "BLOCKING_TASK_INPUT"):
        blocking = signals.blocking_task(workflow_id)
        task = blocking or (tasks[-1] if tasks else None)
        if task is not None:
            tj = shapes.task_json(task)
            run.update({k: tj[k] for k in ("taskType", "taskId", "referenceTaskName", "retryCount", "taskDefName",
                                            "retriedTaskId", "workflowType", "reasonForIncompletion", "status")})
            run["input"], run["output"] = tj["inputData"], tj["outputData"]
            run["workflowId"] = tj["workflowInstanceId"]
    elif strategy == "BLOCKING_WORKFLOW":
        blocking = signals.blocking_task(workflow_id)
        if blocking is not None and blocking.workflow_id != workflow_id:
            child = workflows.get(blocking.workflow_id)
            run.update(shapes.workflow_json(child, workflows.tasks_of(child.id)))
            run["responseType"] = strategy
    return run


async def _wait(workflow_id: str, wait_refs: list[str], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    reached = sync_to_async(signals.target_reached, thread_sensitive=False)
    while time.monotonic() < deadline and not await reached(workflow_id, wait_refs):
        await asyncio.sleep(_WAIT_STEP)


def _strategy(params: Any) -> str:
    strategy = (text(params, "returnStrategy") or "TARGET_WORKFLOW").upper()
    if strategy not in signals.RETURN_STRATEGIES:
        raise BadRequest(f"returnStrategy must be one of {', '.join(signals.RETURN_STRATEGIES)}")
    return strategy


@async_api_view("POST")  # starts a workflow: the ADMIN role, as POST /workflow
async def execute(request: HttpRequest, principal: Principal | None, name: str, version: int) -> HttpResponse:
    """POST /workflow/execute/{name}/{version}: start, then wait until done or blocked."""
    from .views_workflow import start_request

    params = request.GET
    body = require_object(loads(request.body), "The request body (a StartWorkflowRequest)")
    req = start_request({**body, "name": name, "version": version}, principal.name if principal else "")
    wait_refs = [r for r in (text(params, "waitUntilTaskRef") or "").split(",") if r]
    seconds = integer(params, "waitForSeconds", 10, low=0, high=_MAX_WAIT_SECONDS) or 0
    strategy = _strategy(params)
    workflow_id = await sync_to_async(workflows.start, thread_sensitive=False)(req)
    await _wait(workflow_id, wait_refs, seconds)
    body_out = await sync_to_async(_run_json, thread_sensitive=False)(workflow_id, text(params, "requestId"), strategy)
    return JsonResponse(body_out)


@async_api_view("POST")  # completes a task by workflow: the ADMIN role, as POST /tasks/{wf}/{ref}/{status}
async def signal(request: HttpRequest, principal: Principal | None, workflow_id: str, status: str,
                 sync: bool = False) -> HttpResponse:
    """POST /tasks/{workflowId}/{status}/signal[/sync]: complete the task the workflow waits on."""
    output = require_object(loads(request.body), "The request body (the task output)")
    strategy = _strategy(request.GET)
    await sync_to_async(signals.signal, thread_sensitive=False)(workflow_id, status.upper(), output, required=sync)
    if not sync:
        return HttpResponse(status=200)
    await _wait(workflow_id, [], 10)
    return JsonResponse(await sync_to_async(_run_json, thread_sensitive=False)(workflow_id, None, strategy))
