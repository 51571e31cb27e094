"""The side-effect halves of async system tasks, run in Celery after the decision commits.

Each runner claims its task (SCHEDULED → IN_PROGRESS) under the workflow lock, performs the
effect, and reports the result through `tasks.update`, the same write path a worker uses.
A lost message only delays: the sweeper re-sends tasks left SCHEDULED.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from executions import store
from executions.models import Task, Workflow
from orchestrator.engine.results import TaskResult
from orchestrator.engine.status import TaskStatus, WorkflowStatus

from . import tasks, workflows
from .errors import ServiceError
from .runtime import decide_locked, lock_workflow

log = logging.getLogger(__name__)

MAX_SUB_WORKFLOW_DEPTH = 16
ASYNC_TYPES = ("HTTP", "SUB_WORKFLOW", "START_WORKFLOW", "EVENT")
_CHILD_STATUS = {
    "COMPLETED": TaskStatus.COMPLETED,
    "FAILED": TaskStatus.FAILED,
    "TIMED_OUT": TaskStatus.TIMED_OUT,
    "TERMINATED": TaskStatus.CANCELED,
}


def run(task_id: str) -> None:
    """Execute one async system task, if it is still waiting to run."""
    row = Task.objects.filter(pk=task_id).only("task_type", "workflow_id", "status").first()
    if row is None or row.status != TaskStatus.SCHEDULED.value:
        return
    if row.task_type == "HTTP":
        _run_http(task_id)
    else:
        _run_in_transaction(task_id)


def _claim(task_id: str) -> tuple[Workflow, Any, Any] | None:
    """Lock the workflow and move the task to IN_PROGRESS. Caller is inside atomic()."""
    workflow_id = Task.objects.filter(pk=task_id).values_list("workflow_id", flat=True).first()
    if workflow_id is None:
        return None
    wf = lock_workflow(workflow_id)
    state = store.load_state(wf)
    task = next((t for t in state.tasks if t.task_id == task_id), None)
    if task is None or task.status != TaskStatus.SCHEDULED or WorkflowStatus(wf.status).is_terminal:
        return None
    now = timezone.now()
    claimed = replace(task, status=TaskStatus.IN_PROGRESS, start_time=now, update_time=now)
    return wf, replace(state, tasks=[claimed if t.task_id == task_id else t for t in state.tasks]), claimed


def _finish(wf: Workflow, state: Any, task: Any, status: TaskStatus, output: dict[str, Any],
            reason: str | None = None, notes: Any = (), **changes: Any) -> None:
    now = timezone.now()
    done = replace(task, status=status, output=output, reason=reason, update_time=now,
                   end_time=now if status.is_terminal else None, **changes)
    tasks_now = [done if t.task_id == task.task_id else t for t in state.tasks]
    decide_locked(wf, now, replace(state, tasks=tasks_now), pre_changed=[done], notes=notes)


def _run_in_transaction(task_id: str) -> None:
    with transaction.atomic():
        claimed = _claim(task_id)
        if claimed is None:
            return
        wf, state, task = claimed
        if task.task_type == "SUB_WORKFLOW":
            _start_sub_workflow(wf, state, task)
        elif task.task_type == "START_WORKFLOW":
            _start_workflow(wf, state, task)
        elif task.task_type == "EVENT":
            _publish_event(wf, state, task)


def _depth(wf: Workflow) -> int:
    depth, parent = 0, wf.parent_workflow_id
    while parent and depth <= MAX_SUB_WORKFLOW_DEPTH:
        depth += 1
        parent = Workflow.objects.filter(pk=parent).values_list("parent_workflow_id", flat=True).first()
    return depth


def _start_sub_workflow(wf: Workflow, state: Any, task: Any) -> None:
    if _depth(wf) >= MAX_SUB_WORKFLOW_DEPTH:
        reason = f"Sub workflow depth limit of {MAX_SUB_WORKFLOW_DEPTH} reached"
        _finish(wf, state, task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, {"subWorkflowLaunchError": reason}, reason)
        return
    inputs = task.input
    definition = inputs.get("subWorkflowDefinition")
    request = workflows.StartRequest(
        name=str(inputs.get("subWorkflowName") or (definition or {}).get("name") or ""),
        version=inputs.get("subWorkflowVersion") if isinstance(inputs.get("subWorkflowVersion"), int) else None,
        input=dict(inputs.get("workflowInput") or {}),
        correlation_id=wf.correlation_id,
        priority=wf.priority,
        task_to_domain=inputs.get("subWorkflowTaskToDomain") or wf.task_to_domain or {},
        workflow_def=definition if isinstance(definition, dict) else None,
        parent_workflow_id=wf.id,
        parent_workflow_task_id=task.task_id,
    )
    try:
        with transaction.atomic():
            child_id = workflows.start(request)
    except ServiceError as exc:
        reason = f"Sub workflow could not start: {exc.message}"
        _finish(wf, state, task, TaskStatus.FAILED, {"subWorkflowLaunchError": exc.message}, reason)
        return
    _finish(wf, state, task, TaskStatus.IN_PROGRESS, {"subWorkflowId": child_id}, sub_workflow_id=child_id)


def _start_workflow(wf: Workflow, state: Any, task: Any) -> None:
    spec = task.input.get("startWorkflow")
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
        reason = "startWorkflow must be an object with a workflow name"
        _finish(wf, state, task, TaskStatus.FAILED, {"error": reason}, reason)
        return
    request = workflows.StartRequest(
        name=spec["name"],
        version=spec.get("version") if isinstance(spec.get("version"), int) else None,
        input=spec.get("input") if isinstance(spec.get("input"), dict) else {},
        correlation_id=spec.get("correlationId") if isinstance(spec.get("correlationId"), str) else None,
        task_to_domain=spec.get("taskToDomain") if isinstance(spec.get("taskToDomain"), dict) else {},
        workflow_def=spec.get("workflowDefinition") if isinstance(spec.get("workflowDefinition"), dict) else None,
    )
    try:
        with transaction.atomic():
            started = workflows.start(request)
    except ServiceError as exc:
        _finish(wf, state, task, TaskStatus.FAILED, {"error": exc.message}, exc.message)
        return
    _finish(wf, state, task, TaskStatus.COMPLETED, {"workflowId": started})


def _publish_event(wf: Workflow, state: Any, task: Any) -> None:
    node = store.definition_of(wf).node(task.node_ref)
    sink = str(node.get("sink") or "")
    kind, _, queue = sink.partition(":")
    if kind != "conductor":
        reason = f"Unsupported event sink {sink!r}: Baton publishes to 'conductor' or 'conductor:<queue>'"
        _finish(wf, state, task, TaskStatus.FAILED, {"error": reason}, reason)
        return
    payload = {**task.input, "workflowInstanceId": wf.id, "workflowType": wf.name,
               "workflowVersion": wf.version, "correlationId": wf.correlation_id}
    queue_name = queue or f"{wf.name}:{task.ref}"
    published = {"sink": sink, "queue": queue_name, "payload": payload}
    status = TaskStatus.IN_PROGRESS if node.get("asyncComplete") else TaskStatus.COMPLETED
    _finish(wf, state, task, status, {**payload, "event_produced": queue_name},
            notes=[(wf.status, {"published": published})])


def _run_http(task_id: str) -> None:
    from orchestrator.systemtasks import http_call

    with transaction.atomic():
        claimed = _claim(task_id)
        if claimed is None:
            return
        wf, state, task = claimed
        decide_locked(wf, timezone.now(), state, pre_changed=[task])
        node = store.definition_of(wf).node(task.node_ref)
    policy = http_call.HttpPolicy(allowed_hosts=frozenset(getattr(settings, "BATON_HTTP_ALLOWED_HOSTS", ())))
    outcome = http_call.execute(task.input, policy, idempotency_key=f"{task.task_id}:{task.retry_count}")
    status = TaskStatus(outcome.status)
    if status == TaskStatus.COMPLETED and node.get("asyncComplete"):
        status = TaskStatus.IN_PROGRESS
    try:
        tasks.update(task_id, TaskResult(status=status, output=outcome.output, reason=outcome.reason))
    except ServiceError:
        log.info("HTTP task %s finished after its workflow moved on", task_id)


def notify_parent(child_id: str) -> None:
    """Carry a finished child's status to its parent's SUB_WORKFLOW task."""
    child = Workflow.objects.filter(pk=child_id).first()
    if child is None or not child.parent_workflow_task_id or child.status not in _CHILD_STATUS:
        return
    status = _CHILD_STATUS[child.status]
    reason = None if status == TaskStatus.COMPLETED else f"Sub workflow {child_id} failure reason: {child.reason}"
    output = {**(child.output or {}), "subWorkflowId": child_id}
    try:
        tasks.update(child.parent_workflow_task_id, TaskResult(status=status, output=output, reason=reason))
    except ServiceError:
        pass  # the parent task already ended (e.g. the parent was terminated)
