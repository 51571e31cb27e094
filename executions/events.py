"""The execution event log: what its rows say, and reading them back.

Rows are written by the runtime in the same transaction as the change they describe
(`store.writes.append_events`), and after commit a doorbell (`executions.doorbell`) tells
listeners to read new rows. The log is the truth; the doorbell only makes it quick.

Payloads of `task` events: `taskId`, `referenceTaskName`, `status`, `retryCount`,
`reasonForIncompletion`; a claim's ("task started") event adds `workerId`, `pollCount` and
`startTime` (epoch ms). The claim writes its event in SQL on PostgreSQL (`CLAIM_PAYLOAD_SQL`),
so the two spellings below must agree: tests/db/test_events__claims.py compares them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from orchestrator.engine.model import Outcome, TaskState

from .models import ExecutionEvent

BATCH = 500


def task_event(workflow_id: str, task: TaskState, now: datetime) -> ExecutionEvent:
    return ExecutionEvent(
        workflow_id=workflow_id,
        task_id=task.task_id,
        kind="task",
        payload={
            "taskId": task.task_id,
            "referenceTaskName": task.ref,
            "status": task.status.value,
            "retryCount": task.retry_count,
            "reasonForIncompletion": task.reason,
        },
        created=now,
    )


def claim_event(workflow_id: str, task: TaskState, now: datetime) -> ExecutionEvent:
    """A worker took a task ("task started"): who, which poll, when."""
    event = task_event(workflow_id, task, now)
    started = task.start_time or now
    event.payload.update(workerId=task.worker_id, pollCount=task.poll_count,
                         startTime=int(started.timestamp() * 1000))
    return event


# The same payload as `claim_event`, built by PostgreSQL from a claimed row aliased `c`.
CLAIM_PAYLOAD_SQL = """jsonb_build_object(
    'taskId', c.id, 'referenceTaskName', c.ref, 'status', c.status, 'retryCount', c.retry_count,
    'reasonForIncompletion', c.reason, 'workerId', c.worker_id, 'pollCount', c.poll_count,
    'startTime', floor(extract(epoch FROM c.start_time) * 1000)::bigint)"""


def workflow_event(workflow_id: str, status: str, now: datetime, **extra: Any) -> ExecutionEvent:
    return ExecutionEvent(
        workflow_id=workflow_id, kind="workflow", payload={"status": status, **extra}, created=now
    )


def outcome_events(workflow_id: str, outcome: Outcome, now: datetime,
                   extra: Iterable[TaskState] = ()) -> list[ExecutionEvent]:
    """One event per task an outcome created or changed (and per `extra` task), then the
    workflow's own event if the outcome ended it."""
    seen: dict[str, TaskState] = {t.task_id: t for t in extra}
    for task in list(outcome.created) + list(outcome.changed):
        seen[task.task_id] = task
    rows = [task_event(workflow_id, t, now) for t in seen.values()]
    if outcome.workflow is not None and outcome.workflow.status is not None:
        rows.append(workflow_event(workflow_id, outcome.workflow.status.value, now, reason=outcome.workflow.reason))
    return rows


def last_id(workflow_id: str) -> int:
    """The id of an execution's newest event (0 when it has none)."""
    newest = ExecutionEvent.objects.filter(workflow_id=workflow_id).order_by("-id").values_list("id", flat=True)
    return newest.first() or 0


def after(workflow_id: str, event_id: int, limit: int = BATCH) -> list[dict[str, Any]]:
    """An execution's events after `event_id`, oldest first, as the live stream sends them."""
    return _wire(ExecutionEvent.objects.filter(workflow_id=workflow_id, id__gt=event_id).order_by("id")[:limit])


def late_between(workflow_id: str, low: int, high: int, seen: Collection[int]) -> list[dict[str, Any]]:
    """Events of an execution with `low < id <= high` that are not in `seen`: rows that committed
    after rows with higher ids had already been read (see executions/consumers.py)."""
    ids = ExecutionEvent.objects.filter(workflow_id=workflow_id, id__gt=low, id__lte=high).values_list("id", flat=True)
    missing = [i for i in ids if i not in seen]
    if not missing:
        return []
    return _wire(ExecutionEvent.objects.filter(id__in=missing).order_by("id"))


def _wire(rows: Iterable[ExecutionEvent]) -> list[dict[str, Any]]:
    return [
        {"type": "event", "id": r.id, "kind": r.kind, "taskId": r.task_id, "payload": r.payload,
         "created": int(r.created.timestamp() * 1000)}
        for r in rows
    ]
