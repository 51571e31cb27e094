"""Starting and controlling workflow executions."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from executions import events, store
from executions.models import Task, Workflow
from orchestrator.engine.evaluator import end_workflow
from orchestrator.engine.status import WorkflowStatus
from orchestrator.models import WorkflowDef
from orchestrator.wiring import engine_env

from . import definitions
from .errors import Conflict, InvalidInput, NotFound, WorkflowDefNotFound, WorkflowNotFound
from .runtime import decide_locked, lock_workflow, new_id


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


def _definition_for(req: StartRequest) -> dict[str, Any]:
    if req.workflow_def is not None:
        # Conductor runs an inline definition without tasks (it completes at once); registering
        # one is still refused.
        return definitions.require_valid_workflow_def(req.workflow_def, allow_empty=True)
    rows = WorkflowDef.objects.filter(name=req.name)
    row = rows.filter(version=req.version).first() if req.version else rows.order_by("-version").first()
    if row is None:
        raise WorkflowDefNotFound(req.name, req.version, starting=True)
    return row.definition


def start(req: StartRequest) -> str:
    """Create an execution and make its first decision in the same transaction."""
    if not (0 <= req.priority <= 99):
        raise InvalidInput("priority must be between 0 and 99")
    doc = _definition_for(req)
    now = timezone.now()
    with transaction.atomic():
        if req.idempotency_key:
            existing = _idempotent_existing(doc["name"], req)
            if existing is not None:
                return existing
        wf_input = copy.deepcopy(req.input or {})
        for key, value in (doc.get("inputTemplate") or {}).items():
            wf_input.setdefault(key, copy.deepcopy(value))
        row = Workflow.objects.create(
            id=new_id(),
            name=doc["name"],
            version=doc.get("version") or 1,
            snapshot=store.snapshot_for(doc),
            status=WorkflowStatus.RUNNING.value,
            input=wf_input,
            variables=copy.deepcopy(doc.get("variables") or {}),
            correlation_id=req.correlation_id,
            priority=req.priority,
            task_to_domain=req.task_to_domain or {},
            idempotency_key=req.idempotency_key,
            created_by=req.created_by,
            parent_workflow_id=req.parent_workflow_id,
            parent_workflow_task_id=req.parent_workflow_task_id,
            create_time=now,
            update_time=now,
        )
        # The first decision's own events ring the doorbell once for both.
        events.append(row.id, [events.workflow_event(row.id, "RUNNING", now, started=True)], ring=False)
        decide_locked(row, now)
    return row.id


def _idempotent_existing(name: str, req: StartRequest) -> str | None:
    rows = Workflow.objects.filter(name=name, idempotency_key=req.idempotency_key).order_by("-create_time")
    existing = rows.values("id", "status").first()
    if existing is None:
        return None
    strategy = (req.idempotency_strategy or "FAIL").upper()
    if strategy == "RETURN_EXISTING":
        return str(existing["id"])
    if strategy == "FAIL_ON_RUNNING" and existing["status"] not in ("RUNNING", "PAUSED"):
        return None
    raise Conflict(f"Workflow with idempotencyKey {req.idempotency_key} already exists: {existing['id']}")


def get(workflow_id: str) -> Workflow:
    row = Workflow.objects.select_related("snapshot").filter(pk=workflow_id).first()
    if row is None:
        raise WorkflowNotFound(workflow_id, reading=True)
    return row


def tasks_of(workflow_id: str) -> list[Task]:
    return list(Task.objects.filter(workflow_id=workflow_id).order_by("seq"))


def terminate(workflow_id: str, reason: str | None, trigger_failure_workflow: bool = False) -> None:
    now = timezone.now()
    with transaction.atomic():
        row = lock_workflow(workflow_id)
        status = WorkflowStatus(row.status)
        if status == WorkflowStatus.COMPLETED:
            raise Conflict(f"Workflow {workflow_id} is COMPLETED and cannot be terminated")
        if status.is_terminal:
            return
        state = store.load_state(row)
        outcome = end_workflow(
            store.definition_of(row), state, engine_env(now, new_id, store.History(row.id), store.TaskDefs()),
            WorkflowStatus.TERMINATED, reason or None, trigger_failure_workflow,
        )
        store.save(row, outcome, now)
        events.record(row.id, outcome, now)
        from . import dispatch

        dispatch.after_decide(row, outcome, now)


def pause(workflow_id: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        row = lock_workflow(workflow_id)
        if WorkflowStatus(row.status).is_terminal:
            raise Conflict(f"Workflow {workflow_id} is {row.status} and cannot be paused")
        if row.status == WorkflowStatus.PAUSED.value:
            return
        Workflow.objects.filter(pk=row.pk).update(status=WorkflowStatus.PAUSED.value, update_time=now)
        events.append(row.id, [events.workflow_event(row.id, "PAUSED", now)])


def resume(workflow_id: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        row = lock_workflow(workflow_id)
        if row.status != WorkflowStatus.PAUSED.value:
            raise Conflict(f"Workflow {workflow_id} is {row.status}, not PAUSED")
        row.status = WorkflowStatus.RUNNING.value
        row.last_retried_time = now
        Workflow.objects.filter(pk=row.pk).update(status=row.status, last_retried_time=now, update_time=now)
        events.append(row.id, [events.workflow_event(row.id, "RUNNING", now, resumed=True)])
        decide_locked(row, now)


def remove(workflow_id: str) -> None:
    deleted, _ = Workflow.objects.filter(pk=workflow_id).delete()
    if not deleted:
        raise WorkflowNotFound(workflow_id)


def start_failure_workflow(workflow_id: str) -> str | None:
    """Start the failed workflow's `failureWorkflow` (once: its id is recorded in the output)."""
    with transaction.atomic():
        row = lock_workflow(workflow_id)
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
        try:
            child = start(StartRequest(name=str(name), input=payload, correlation_id=row.correlation_id))
            output["conductor.failure_workflow"] = child
        except (NotFound, InvalidInput, IntegrityError) as exc:
            output["conductor.failure_workflow"] = f"failed to start: {exc}"
            child = None
        Workflow.objects.filter(pk=row.pk).update(output=output)
        return child
