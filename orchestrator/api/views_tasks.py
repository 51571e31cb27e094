"""/api/tasks: what workers call (updates, logs) and task lookups. Polling is in poll.py."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.request import Request
from rest_framework.response import Response

from executions.models import Task
from orchestrator.engine.results import TaskResult
from orchestrator.engine.status import RESULT_STATUSES, TaskStatus
from orchestrator.services import shapes, tasks, workflows
from orchestrator.services.access import Principal

from .base import ApiView, async_api_view, no_content, ok, text_response
from .exceptions import BadRequest
from .parsing import LogLineParser, loads, require_object, text


def parse_result(doc: Any) -> tuple[str, TaskResult, list[Any]]:
    """A TaskResult body → (task id, result, logs), with a clear error for each bad field."""
    doc = require_object(doc, "The request body (a TaskResult)")
    task_id = doc.get("taskId")
    if not isinstance(task_id, str) or not task_id:
        raise BadRequest("taskId is required")
    status = _status(doc.get("status"))
    output = doc.get("outputData")
    if output is not None and not isinstance(output, dict):
        raise BadRequest("outputData must be a JSON object")
    callback = doc.get("callbackAfterSeconds") or 0
    if isinstance(callback, bool) or not isinstance(callback, int) or callback < 0:
        raise BadRequest("callbackAfterSeconds must be a non-negative integer")
    logs = doc.get("logs") or []
    if not isinstance(logs, list):
        raise BadRequest("logs must be a list of {log} objects")
    reason = doc.get("reasonForIncompletion")
    result = TaskResult(
        status=status,
        output=output,
        reason=str(reason) if reason is not None else None,
        worker_id=str(doc["workerId"]) if doc.get("workerId") else None,
        callback_after_seconds=callback,
        extend_lease=doc.get("extendLease") is True,
    )
    return task_id, result, logs


def _status(value: Any) -> TaskStatus:
    allowed = sorted(s.value for s in RESULT_STATUSES)
    if not isinstance(value, str) or value not in allowed:
        raise BadRequest(f"status must be one of {', '.join(allowed)}, got {value!r}")
    return TaskStatus(value)


# The two result endpoints are the worker's hot path: async views in the `async_api_view` frame
# (same authentication, roles, CSRF and error bodies as the DRF views), with the work in one
# worker thread, so `fastpath.WorkerFastPath` can call them without Django's middleware chain.


@async_api_view("POST", worker_allowed=True)
async def update_task(request: HttpRequest, principal: Principal | None) -> HttpResponse:
    """POST /tasks: a TaskResult; answers the task id as text."""
    task_id, result, logs = parse_result(loads(request.body))
    await sync_to_async(tasks.update, thread_sensitive=False)(task_id, result, logs)
    return text_response(task_id)


def _update_and_next(task_id: str, result: TaskResult, logs: list[Any]) -> dict[str, Any] | None:
    _, claimed = tasks.update_and_claim_next(task_id, result, logs)
    return shapes.task_json(claimed) if claimed is not None else None


@async_api_view("POST", worker_allowed=True)
async def update_task_v2(request: HttpRequest, principal: Principal | None) -> HttpResponse:
    """POST /tasks/update-v2: update a task, then hand the same worker its next task of that type (or 204)."""
    task_id, result, logs = parse_result(loads(request.body))
    following = await sync_to_async(_update_and_next, thread_sensitive=False)(task_id, result, logs)
    return JsonResponse(following) if following is not None else no_content()


class TaskDetail(ApiView):
    worker_allowed = True

    def get(self, request: Request, task_id: str) -> Response:
        return ok(shapes.task_json(tasks.get(task_id)))


class TaskLogs(ApiView):
    worker_allowed = True
    parser_classes = [LogLineParser]

    def post(self, request: Request, task_id: str) -> Response:
        line = request.data if isinstance(request.data, str) else ""  # no body: DRF's empty data
        if not line.strip():
            raise BadRequest("The request body (the log line) is empty")
        tasks.add_log(task_id, line)
        return ok(None)

    def get(self, request: Request, task_id: str) -> Response:
        return ok([shapes.task_log_json(r) for r in tasks.logs(task_id)])


class QueueSizes(ApiView):
    worker_allowed = True

    def get(self, request: Request) -> Response:
        names = request.query_params.getlist("taskType")
        if not names:
            raise BadRequest("taskType is required (repeat it for several queues)")
        return ok(tasks.queue_sizes(names))


class AllQueues(ApiView):
    def get(self, request: Request) -> Response:
        rows = Task.objects.filter(queue__isnull=False).values_list("queue", flat=True).distinct()
        queues = [q for q in rows if q is not None]  # the filter already excludes NULL; this tells mypy
        return ok(tasks.queue_sizes(queues))


class PollData(ApiView):
    worker_allowed = True

    def get(self, request: Request) -> Response:
        name = text(request.query_params, "taskType")
        if not name:
            raise BadRequest("taskType is required")
        return ok(tasks.poll_data(name))


class UpdateByRef(ApiView):
    """POST /tasks/{workflowId}/{ref}/{status}[/sync]: body is the task's output."""

    def post(self, request: Request, workflow_id: str, ref: str, status: str, sync: bool = False) -> HttpResponse:
        output = require_object(request.data, "The request body (the task output)")
        workflows.get(workflow_id)
        task_id = tasks.pending_by_ref(workflow_id, ref)
        result = TaskResult(
            status=_status(status), output=output, worker_id=text(request.query_params, "workerid")
        )
        tasks.update(task_id, result)
        if sync:
            row = workflows.get(workflow_id)
            return ok(shapes.workflow_json(row, workflows.tasks_of(workflow_id)))
        return text_response(task_id)
