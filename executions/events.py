"""The execution event log and its doorbell.

Rows are written in the same transaction as the change they describe. After commit, a message
on the channel layer group `workflow.<id>` (and `dashboard`) tells listeners to read new rows.
The log is the truth; the doorbell only makes it quick.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction

from orchestrator.engine.model import Outcome, TaskState

from .models import ExecutionEvent

log = logging.getLogger(__name__)


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


def workflow_event(workflow_id: str, status: str, now: datetime, **extra: Any) -> ExecutionEvent:
    return ExecutionEvent(
        workflow_id=workflow_id, kind="workflow", payload={"status": status, **extra}, created=now
    )


def record(workflow_id: str, outcome: Outcome, now: datetime, extra: Iterable[TaskState] = ()) -> None:
    """Append events for what an outcome changed, and ring the doorbell after commit."""
    seen: dict[str, TaskState] = {t.task_id: t for t in extra}
    for task in list(outcome.created) + list(outcome.changed):
        seen[task.task_id] = task
    rows = [task_event(workflow_id, t, now) for t in seen.values()]
    if outcome.workflow is not None and outcome.workflow.status is not None:
        rows.append(workflow_event(workflow_id, outcome.workflow.status.value, now, reason=outcome.workflow.reason))
    append(workflow_id, rows)


def append(workflow_id: str, rows: list[ExecutionEvent], *, ring: bool = True) -> None:
    """Write event rows; `ring=False` when a later write in the same transaction rings anyway."""
    if not rows:
        return
    ExecutionEvent.objects.bulk_create(rows)
    if ring:
        publish_on_commit(workflow_id)


def publish_on_commit(workflow_id: str) -> None:
    transaction.on_commit(lambda: _ring(workflow_id))


def _ring(workflow_id: str) -> None:
    try:
        from asgiref.sync import async_to_sync
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        if layer is None:
            return
        message = {"type": "log.updated", "workflow_id": workflow_id}
        async_to_sync(layer.group_send)(f"workflow.{workflow_id}", message)
    except Exception:  # the doorbell is best effort: listeners also poll the log
        log.warning("could not publish event for %s", workflow_id, exc_info=True)
