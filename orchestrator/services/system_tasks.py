"""Running async system tasks: the Celery-facing glue around each type's `execute(job, port)`.

Each run claims its task (SCHEDULED → IN_PROGRESS) under the workflow lock, hands the type a
`Job` and a `Port` (what the type may ask of the services: start a workflow, publish an event,
...), and records the `Effect` through the same write path a worker uses. A type that
`executes_outside_transaction` (HTTP) has its claim committed first and its result reported like
a worker's. A lost message only delays: the sweeper re-sends tasks left SCHEDULED.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction

from executions import store
from orchestrator.engine.model import JSON, TaskState
from orchestrator.engine.results import TaskResult
from orchestrator.engine.status import TaskStatus
from orchestrator.eventing import sinks
from orchestrator.systemtasks import registry
from orchestrator.systemtasks.async_types import AsyncSystemTask
from orchestrator.systemtasks.http_call import HttpPolicy
from orchestrator.systemtasks.ports import Effect, Job, PublishFailed, StartRefused, WorkflowFacts, WorkflowStart
from orchestrator.systemtasks.sub_workflow import MAX_SUB_WORKFLOW_DEPTH

from . import runtime, tasks, workflows
from .commands import RunSystemTask
from .errors import NotFound, ServiceError

if TYPE_CHECKING:
    from executions.models import Workflow

log = logging.getLogger(__name__)

_CHILD_STATUS = {
    "COMPLETED": TaskStatus.COMPLETED,
    "FAILED": TaskStatus.FAILED,
    "TIMED_OUT": TaskStatus.TIMED_OUT,
    "TERMINATED": TaskStatus.CANCELED,
}


def run(task_id: str) -> None:
    """Execute one async system task, if it is still waiting to run."""
    row = store.task_brief(task_id)
    if row is None or row.status != TaskStatus.SCHEDULED.value:
        return
    handler = registry.side_effect(row.task_type)
    if handler is None:
        return
    if handler.executes_outside_transaction:
        _run_after_claim(task_id, handler)
    else:
        _run_in_transaction(task_id, handler)


class _Port:
    """`systemtasks.ports.Port` over the services, for one run. Events it publishes are kept as
    notes, recorded by the runtime with the task's result in the same transaction."""

    def __init__(self) -> None:
        self.notes: list[tuple[str, Mapping[str, Any]]] = []

    def start_workflow(self, request: WorkflowStart) -> str:
        start = workflows.StartRequest(
            name=request.name, version=request.version, input=dict(request.input),
            correlation_id=request.correlation_id, priority=request.priority,
            task_to_domain=dict(request.task_to_domain),
            workflow_def=dict(request.workflow_def) if request.workflow_def is not None else None,
            parent_workflow_id=request.parent_workflow_id, parent_workflow_task_id=request.parent_workflow_task_id,
        )
        try:
            with transaction.atomic():
                return workflows.start(start)
        except ServiceError as exc:
            raise StartRefused(exc.message) from exc

    def sub_workflow_depth(self, workflow_id: str) -> int:
        depth = 0
        parent = store.parent_workflow_id(workflow_id)
        while parent and depth <= MAX_SUB_WORKFLOW_DEPTH:
            depth += 1
            parent = store.parent_workflow_id(parent)
        return depth

    def publish_event(self, workflow: WorkflowFacts, sink: str, queue: str, payload: Mapping[str, JSON],
                      message_id: str) -> None:
        # Published under the workflow lock, before commit: a broker that refuses fails the task
        # (Conductor's EVENT does the same), and a rollback after publishing only repeats a
        # message id the consumers handle once.
        try:
            sinks.publish(sink, queue, payload, message_id=message_id)
        except sinks.PublishFailed as exc:
            raise PublishFailed(str(exc)) from exc
        published = {"sink": sink, "queue": queue, "messageId": message_id, "payload": dict(payload)}
        self.notes.append((workflow.status, {"published": published}))

    def http_policy(self) -> HttpPolicy:
        return HttpPolicy(allowed_hosts=frozenset(getattr(settings, "BATON_HTTP_ALLOWED_HOSTS", ())))


def _job(wf: Workflow, task: TaskState) -> Job:
    facts = WorkflowFacts(
        workflow_id=wf.id, name=wf.name, version=wf.version, status=wf.status, correlation_id=wf.correlation_id,
        priority=wf.priority, task_to_domain=wf.task_to_domain or {},
    )
    return Job(task=task, node=store.definition_of(wf).node(task.node_ref), workflow=facts)


def _run_in_transaction(task_id: str, handler: AsyncSystemTask) -> None:
    def step(wf: Workflow, task: TaskState) -> tuple[Effect, tuple[tuple[str, Mapping[str, Any]], ...]]:
        port = _Port()
        effect = handler.execute(_job(wf, task), port)
        return effect, tuple(port.notes)

    try:
        runtime.execute(RunSystemTask(task_id, step))
    except NotFound:
        pass  # removed meanwhile


def _run_after_claim(task_id: str, handler: AsyncSystemTask) -> None:
    jobs: list[Job] = []

    def claim_only(wf: Workflow, task: TaskState) -> None:
        jobs.append(_job(wf, task))
        return None

    try:
        runtime.execute(RunSystemTask(task_id, claim_only))
    except NotFound:
        return  # removed meanwhile
    if not jobs:
        return  # already run, or its workflow ended
    effect = handler.execute(jobs[0], _Port())
    try:
        tasks.update(task_id, TaskResult(status=effect.status, output=dict(effect.output), reason=effect.reason))
    except ServiceError:
        log.info("%s task %s finished after its workflow moved on", handler.type_name, task_id)


def notify_parent(child_id: str) -> None:
    """Carry a finished child's status to its parent's SUB_WORKFLOW task."""
    child = store.workflow(child_id)
    if child is None or not child.parent_workflow_task_id or child.status not in _CHILD_STATUS:
        return
    status = _CHILD_STATUS[child.status]
    reason = None if status == TaskStatus.COMPLETED else f"Sub workflow {child_id} failure reason: {child.reason}"
    output = {**(child.output or {}), "subWorkflowId": child_id}
    try:
        tasks.update(child.parent_workflow_task_id, TaskResult(status=status, output=output, reason=reason))
    except ServiceError:
        pass  # the parent task already ended (e.g. the parent was terminated)
