"""How a worker's TaskResult changes a task: a pure function, checked before any decision."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from .model import TaskState
from .status import RESULT_STATUSES, TaskStatus

MAX_REASON_CHARS = 4096


class ResultRejected(Exception):
    """The result cannot apply to this task (it already ended differently)."""


@dataclass(frozen=True)
class TaskResult:
    status: TaskStatus
    output: Mapping[str, Any] | None = None
    reason: str | None = None
    worker_id: str | None = None
    callback_after_seconds: int = 0
    extend_lease: bool = False


def apply_result(task: TaskState, result: TaskResult, now: datetime, *, is_worker: bool) -> TaskState | None:
    """The task after `result`, or None when it is a duplicate of what already happened.

    Raises ResultRejected when the task already ended with another status (a late result for a
    timed-out attempt, or a conflicting second result).
    """
    if result.status not in RESULT_STATUSES:
        raise ValueError(f"status {result.status.value} cannot be reported by a worker")
    if task.is_terminal:
        if task.status == result.status and (result.output is None or dict(result.output) == dict(task.output)):
            return None
        raise ResultRejected(
            f"Task {task.task_id} is already {task.status.value}; a {result.status.value} result is not accepted"
        )
    worker = result.worker_id or task.worker_id
    if result.extend_lease:
        return replace(task, update_time=now, worker_id=worker)
    output = dict(result.output) if result.output is not None else dict(task.output)
    reason = result.reason[:MAX_REASON_CHARS] if result.reason else task.reason
    if result.status == TaskStatus.IN_PROGRESS:
        if is_worker:
            # Conductor re-queues a worker task that reports progress: it is polled again after
            # callbackAfterSeconds, and the output it sent replaces the stored one.
            delay = max(0, result.callback_after_seconds)
            return replace(
                task,
                status=TaskStatus.SCHEDULED,
                output=output,
                reason=reason,
                worker_id=worker,
                update_time=now,
                callback_after_seconds=delay,
                available_at=now + timedelta(seconds=delay),
            )
        return replace(task, status=TaskStatus.IN_PROGRESS, output=output, update_time=now, worker_id=worker)
    return replace(
        task,
        status=result.status,
        output=output,
        reason=reason,
        worker_id=worker,
        start_time=task.start_time or now,
        end_time=now,
        update_time=now,
    )
