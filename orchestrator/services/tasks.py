"""Worker-facing task operations: claim (poll), report a result, logs, lookups.

Claims and results are runtime commands (`runtime.execute`); this module shapes the worker's
request into one and keeps the poll data (a "last seen" in the cache, not a state change).
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.utils import timezone

from executions import store
from orchestrator.engine.model import TaskState
from orchestrator.engine.results import TaskResult
from orchestrator.systemtasks import registry

from . import runtime
from .commands import AppendLog, Claim, ManualResult, ReportResult
from .errors import NotFound

if TYPE_CHECKING:
    from executions.models import Task, TaskLog


def claim(queue: str, worker_id: str | None, count: int, domain: str | None = None) -> list[Task]:
    """Claim up to `count` pollable tasks of `queue` for a worker, each recorded as a "task
    started" event (see `runtime._claim` for limits and `store.claims` for the statement)."""
    _record_poll(queue, domain, worker_id, timezone.now())
    return runtime.execute(Claim(queue, worker_id, count, domain)).claimed


_POLL_RECORD_SECONDS = 1.0
_last_recorded: dict[tuple[str, str | None, str | None], float] = {}


def _record_poll(queue: str, domain: str | None, worker_id: str | None, now: datetime) -> None:
    # Poll data lives in the cache, not the database: a poll that finds nothing writes nothing.
    # Written at most once a second per (queue, domain, worker): it is only a "last seen".
    seen = (queue, domain, worker_id)
    moment = time.monotonic()
    if moment - _last_recorded.get(seen, 0.0) < _POLL_RECORD_SECONDS:
        return
    _last_recorded[seen] = moment
    key = f"baton:polldata:{queue}"
    entries = cache.get(key) or {}
    entries[domain or ""] = {"workerId": worker_id, "lastPollTime": int(now.timestamp() * 1000)}
    cache.set(key, entries, timeout=7 * 24 * 3600)


def poll_data(queue: str) -> list[dict[str, Any]]:
    return _poll_entries(queue, cache.get(f"baton:polldata:{queue}") or {})


def poll_data_of(queues: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Poll data of several queues in one cache round trip (the overview lists every queue)."""
    found = cache.get_many([f"baton:polldata:{q}" for q in queues])
    return {q: _poll_entries(q, found.get(f"baton:polldata:{q}") or {}) for q in queues}


def _poll_entries(queue: str, entries: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"queueName": queue, "domain": domain or None, "workerId": e["workerId"], "lastPollTime": e["lastPollTime"]}
        for domain, e in entries.items()
    ]


def update(task_id: str, result: TaskResult, logs: list[dict[str, Any]] | None = None) -> TaskState:
    """Apply a worker's result and decide what follows, in one transaction. Returns the task."""
    done = runtime.execute(ReportResult(task_id, result, _log_texts(logs or [])))
    assert done.task is not None  # a result always concerns a task
    return done.task


def update_and_claim_next(task_id: str, result: TaskResult, logs: list[dict[str, Any]] | None = None,
                          ) -> tuple[TaskState, Task | None]:
    """update-v2: apply a result and hand the same worker its next task of that type, in one
    transaction (one commit per hop instead of two)."""
    done = runtime.execute(ReportResult(task_id, result, _log_texts(logs or []), claim_next=True))
    task = done.task
    assert task is not None  # a result always concerns a task
    if task.is_terminal and registry.is_worker_type(task.task_type):
        _record_poll(task.def_name, task.domain, result.worker_id or task.worker_id, timezone.now())
    return task, (done.claimed[0] if done.claimed else None)


def finish_by_hand(task_id: str, result: TaskResult, by: str) -> None:
    """Complete or fail a pending WAIT or HUMAN task as `by` (an admin on the run page); the
    runtime refuses (Conflict) any other task, and notes who did it on the run's event log."""
    runtime.execute(ManualResult(task_id, result, by))


def _log_texts(logs: list[dict[str, Any]]) -> tuple[str, ...]:
    texts = []
    for entry in logs[:10]:  # Conductor keeps the first 10 entries of each update
        text = entry.get("log") if isinstance(entry, dict) else entry
        if text:
            texts.append(str(text))
    return tuple(texts)


def add_log(task_id: str, text: str) -> None:
    """A log line posted on its own (not a state change: the task's status is untouched)."""
    if not store.task_exists(task_id):
        raise NotFound(f"Task {task_id} not found")
    runtime.execute(AppendLog(task_id, text))


def logs(task_id: str) -> list[TaskLog]:
    return store.task_logs(task_id)


def get(task_id: str) -> Task:
    row = store.task(task_id)
    if row is None:
        raise NotFound(f"Task {task_id} not found")
    return row


def pending_by_ref(workflow_id: str, ref: str) -> str:
    """The id of the newest attempt of `ref` in a workflow (for update-by-ref-name)."""
    task_id = store.newest_task_id(workflow_id, ref)
    if task_id is None:
        raise NotFound(f"No task {ref} in workflow {workflow_id}")
    return task_id


def queue_sizes(queues: list[str]) -> dict[str, int]:
    return store.queue_sizes(queues)
