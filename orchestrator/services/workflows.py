"""Starting and controlling workflow executions: each control is a runtime command."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from executions import store
from orchestrator.engine.status import WorkflowStatus
from orchestrator.schemas import enforce

from . import definitions, runtime
from .commands import Pause, RecordFailureWorkflow, Remove, Resume, Start, Terminate
from .errors import Conflict, InvalidInput, NotFound, WorkflowDefNotFound, WorkflowNotFound
from .runtime import new_id

if TYPE_CHECKING:
    from executions.models import Task, Workflow


@dataclass
class StartRequest:
    name: str
    version: int | None = None
    input: dict[str, Any] = field(default_factory=dict)
    correlation_id: str | None = None
    priority: int = 0
    task_to_domain: dict[str, str] = field(default_factory=dict)
    workflow_def: dict[str, Any] | None = None
    idempotency_key: str | None = None
    idempotency_strategy: str = "FAIL"
    created_by: str = ""
    parent_workflow_id: str | None = None
    parent_workflow_task_id: str | None = None


def _definition_for(req: StartRequest) -> store.Startable:
    if req.workflow_def is not None:
        # Conductor runs an inline definition without tasks (it completes at once); registering
        # one is still refused.
        doc = definitions.require_valid_workflow_def(req.workflow_def, allow_empty=True)
        return store.Startable(doc, store.snapshot_for(doc).digest)
    found = store.startable(req.name, req.version)
    if found is None:
        raise WorkflowDefNotFound(req.name, req.version, starting=True)
    return found


def start(req: StartRequest) -> str:
    """Create an execution and make its first decision in the same transaction."""
    if not (0 <= req.priority <= 99):
        raise InvalidInput("priority must be between 0 and 99")
    now = timezone.now()
    with transaction.atomic():
        # Read inside the write transaction: outside it, the lookup is a transaction of its own
        # (autocommit), one more commit per start.
        found = _definition_for(req)
        doc = found.doc  # shared with later starts of this definition: read only
        if req.idempotency_key:
            existing = _idempotent_existing(doc["name"], req)
            if existing is not None:
                return existing
        wf_input = copy.deepcopy(req.input or {})
        for key, value in (doc.get("inputTemplate") or {}).items():
            wf_input.setdefault(key, copy.deepcopy(value))
        enforce.check_workflow_input(doc, wf_input)
        values = {
            "id": new_id(),
            "name": doc["name"],
            "version": doc.get("version") or 1,
            "snapshot_id": found.snapshot_id,
            "status": WorkflowStatus.RUNNING.value,
            "input": wf_input,
            "variables": copy.deepcopy(doc.get("variables") or {}),
            "correlation_id": req.correlation_id,
            "priority": req.priority,
            "task_to_domain": req.task_to_domain or {},
            "idempotency_key": req.idempotency_key,
            "created_by": req.created_by,
            "parent_workflow_id": req.parent_workflow_id,
            "parent_workflow_task_id": req.parent_workflow_task_id,
            "create_time": now,
            "update_time": now,
        }
        done = runtime.execute(Start(values, now))
    assert done.workflow_id is not None
    return done.workflow_id


def _idempotent_existing(name: str, req: StartRequest) -> str | None:
    assert req.idempotency_key is not None
    existing = store.newest_with_idempotency_key(name, req.idempotency_key)
    if existing is None:
        return None
    strategy = (req.idempotency_strategy or "FAIL").upper()
    if strategy == "RETURN_EXISTING":
        return str(existing["id"])
    if strategy == "FAIL_ON_RUNNING" and existing["status"] not in ("RUNNING", "PAUSED"):
        return None
    raise Conflict(f"Workflow with idempotencyKey {req.idempotency_key} already exists: {existing['id']}")


def get(workflow_id: str) -> Workflow:
    row = store.workflow(workflow_id)
    if row is None:
        raise WorkflowNotFound(workflow_id, reading=True)
    return row


def tasks_of(workflow_id: str) -> list[Task]:
    return store.tasks_of(workflow_id)


def terminate(workflow_id: str, reason: str | None, trigger_failure_workflow: bool = False) -> None:
    runtime.execute(Terminate(workflow_id, reason, trigger_failure_workflow))


def pause(workflow_id: str) -> None:
    runtime.execute(Pause(workflow_id))


def resume(workflow_id: str) -> None:
    runtime.execute(Resume(workflow_id))


def remove(workflow_id: str) -> None:
    runtime.execute(Remove(workflow_id))


def start_failure_workflow(workflow_id: str) -> str | None:
    """Start the failed workflow's `failureWorkflow` (once: its id is recorded in the output)."""
    with transaction.atomic():
        # Held until the child's id is recorded, so two deliveries of this message start one child.
        row = runtime.lock_workflow(workflow_id)
        output = dict(row.output or {})
        if "conductor.failure_workflow" in output:
            return None
        doc = row.snapshot.definition
        name = doc.get("failureWorkflow")
        if not name:
            return None
        if isinstance(name, str) and name.startswith("$workflow.input."):
            name = (row.input or {}).get(name.split(".")[2])
        failed = {
            "workflowId": row.id, "workflowType": row.name, "version": row.version,
            "status": row.status, "reasonForIncompletion": row.reason, "input": row.input,
            "output": row.output, "correlationId": row.correlation_id,
        }
        payload = {
            **(row.input or {}), "workflowId": row.id, "reason": row.reason,
            "failureStatus": row.status, "failedWorkflow": failed,
        }
        child: str | None
        try:
            child = start(StartRequest(name=str(name), input=payload, correlation_id=row.correlation_id))
            note = child
        except (NotFound, InvalidInput, IntegrityError) as exc:
            note, child = f"failed to start: {exc}", None
        runtime.execute(RecordFailureWorkflow(workflow_id, note))
        return child
