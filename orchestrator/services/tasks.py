"""Worker-facing task operations: claim (poll), report a result, logs, lookups."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from executions import store
from executions.models import Task, TaskLog, Workflow
from orchestrator.engine.model import TaskState
from orchestrator.engine.results import ResultRejected, TaskResult, apply_result
from orchestrator.engine.status import TaskStatus
from orchestrator.systemtasks import registry

from .errors import Conflict, NotFound
from .runtime import decide_locked


def _limits(queue: str) -> tuple[int, int, int]:
    """(concurrentExecLimit, rateLimitPerFrequency, rateLimitFrequencyInSeconds) of a queue's TaskDef."""
    tdef = store.TaskDefs()(queue)
    if tdef is None:
        return (0, 0, 1)
    return (tdef.concurrent_exec_limit, tdef.rate_limit_per_frequency, max(1, tdef.rate_limit_frequency_in_seconds))


def _allowed(queue: str, count: int, now: datetime) -> int:
    """How many tasks this poll may take under the queue's concurrency and rate limits."""
    concurrent, rate, window = _limits(queue)
    if concurrent > 0:
        running = Task.objects.filter(queue=queue, status=TaskStatus.IN_PROGRESS.value).count()
        count = min(count, concurrent - running)
    if rate > 0 and count > 0:
        started = Task.objects.filter(queue=queue, start_time__gte=now - timedelta(seconds=window)).count()
        count = min(count, rate - started)
    return max(0, count)


def _serialise_queue(queue: str) -> None:
    """Limits are counted, then enforced: one limited poll of a queue at a time (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"baton-queue:{queue}"])
    # SQLite: the IMMEDIATE transaction already serialises every writer.


def claim(queue: str, worker_id: str | None, count: int, domain: str | None = None) -> list[Task]:
    """Claim up to `count` pollable tasks of `queue` for a worker (SKIP LOCKED on PostgreSQL).

    concurrentExecLimit and rateLimitPerFrequency of the queue's TaskDef cap how many a poll
    takes; the rest stay queued for a later poll.
    """
    now = timezone.now()
    _record_poll(queue, domain, worker_id, now)
    with transaction.atomic():
        return _claim_in_transaction(queue, worker_id, count, domain, now)


def _claim_in_transaction(queue: str, worker_id: str | None, count: int, domain: str | None,
                          now: datetime, known: Workflow | None = None) -> list[Task]:
    if any(_limits(queue)[:2]):
        _serialise_queue(queue)
        count = _allowed(queue, count, now)
        if count <= 0:
            return []
    if connection.vendor == "postgresql":
        return _claim_postgres(queue, worker_id, count, domain, now, known)
    candidates = Task.objects.select_for_update(skip_locked=True).filter(
        queue=queue, status=TaskStatus.SCHEDULED.value, available_at__lte=now
    )
    candidates = candidates.filter(domain=domain) if domain else candidates.filter(domain__isnull=True)
    picked = list(
        candidates.order_by("-priority", "available_at").values_list("id", "response_timeout_seconds")[:count]
    )
    if not picked:
        return []
    by_timeout: dict[int, list[str]] = {}
    for task_id, timeout in picked:
        by_timeout.setdefault(timeout, []).append(task_id)
    for timeout, ids in by_timeout.items():
        Task.objects.filter(pk__in=ids).update(
            status=TaskStatus.IN_PROGRESS.value,
            start_time=Coalesce(F("start_time"), now),
            update_time=now,
            poll_count=F("poll_count") + 1,
            worker_id=worker_id,
            callback_after_seconds=0,
            lease_deadline=now + timedelta(seconds=timeout),
        )
    order = {task_id: i for i, (task_id, _) in enumerate(picked)}
    rows = list(
        Task.objects.filter(pk__in=list(order))
        .select_related("workflow")
        .defer("workflow__input", "workflow__output", "workflow__variables")
    )
    return sorted(rows, key=lambda r: order[r.id])


_CLAIM_SQL = """
UPDATE executions_task AS t
   SET status = 'IN_PROGRESS',
       start_time = COALESCE(t.start_time, %(now)s),
       update_time = %(now)s,
       poll_count = t.poll_count + 1,
       worker_id = %(worker)s,
       callback_after_seconds = 0,
       lease_deadline = %(now)s + make_interval(secs => t.response_timeout_seconds)
 WHERE t.id IN (
       SELECT id FROM executions_task
        WHERE queue = %(queue)s AND status = 'SCHEDULED' AND available_at <= %(now)s
          AND {domain}
        ORDER BY priority DESC, available_at
        LIMIT %(count)s
          FOR UPDATE SKIP LOCKED)
RETURNING t.*
"""


def _claim_postgres(queue: str, worker_id: str | None, count: int, domain: str | None, now: datetime,
                    known: Workflow | None = None) -> list[Task]:
    """Claim in one statement: pick with SKIP LOCKED under task_poll_idx, mark, return the rows."""
    sql = _CLAIM_SQL.format(domain="domain = %(domain)s" if domain else "domain IS NULL")
    params = {"now": now, "worker": worker_id, "queue": queue, "count": count, "domain": domain}
    rows = sorted(Task.objects.raw(sql, params), key=lambda r: (-r.priority, r.available_at))
    if rows:
        workflows = {known.id: known} if known is not None else {}
        missing = {r.workflow_id for r in rows} - set(workflows)
        if missing:
            workflows.update(
                (w.id, w) for w in Workflow.objects.filter(pk__in=missing).defer("input", "output", "variables")
            )
        for row in rows:
            row.workflow = workflows[row.workflow_id]
    return rows


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
    entries = cache.get(f"baton:polldata:{queue}") or {}
    return [
        {"queueName": queue, "domain": domain or None, "workerId": e["workerId"], "lastPollTime": e["lastPollTime"]}
        for domain, e in entries.items()
    ]


def update(task_id: str, result: TaskResult, logs: list[dict[str, Any]] | None = None) -> TaskState:
    """Apply a worker's result and decide what follows, in one transaction. Returns the task."""
    with transaction.atomic():
        return _update_in_transaction(task_id, result, logs or [], timezone.now())[0]


def update_and_claim_next(task_id: str, result: TaskResult, logs: list[dict[str, Any]] | None = None,
                          ) -> tuple[TaskState, Task | None]:
    """update-v2: apply a result and hand the same worker its next task of that type, in one
    transaction (one commit per hop instead of two)."""
    now = timezone.now()
    with transaction.atomic():
        task, workflow = _update_in_transaction(task_id, result, logs or [], now)
        if not task.is_terminal or not registry.is_worker_type(task.task_type):
            return task, None
        worker = result.worker_id or task.worker_id
        _record_poll(task.def_name, task.domain, worker, now)
        # The next task is most often of the same workflow, whose row is already at hand.
        claimed = _claim_in_transaction(task.def_name, worker, 1, task.domain, now, known=workflow)
        return task, (claimed[0] if claimed else None)


def _update_in_transaction(task_id: str, result: TaskResult, logs: list[dict[str, Any]],
                           now: datetime) -> tuple[TaskState, Workflow]:
    # The task's workflow, locked, in one statement (the lock is the workflow row, as always).
    row = Workflow.objects.select_for_update(of=("self",)).filter(tasks__id=task_id).first()
    if row is None:
        raise NotFound(f"Task {task_id} not found")
    state = store.load_state(row, focus=task_id)
    task = next((t for t in state.tasks if t.task_id == task_id), None)
    if task is None:
        task = store.to_state(Task.objects.get(pk=task_id))
    try:
        updated = apply_result(task, result, now, is_worker=registry.is_worker_type(task.task_type))
    except ResultRejected as exc:
        raise Conflict(str(exc)) from exc
    _append_logs(task_id, logs, now)
    if updated is None:
        return task, row
    tasks = [updated if t.task_id == task_id else t for t in state.tasks]
    outcome = decide_locked(row, now, replace(state, tasks=tasks), pre_changed=[updated], focused=True)
    final = next((t for t in outcome.changed if t.task_id == task_id), updated)
    return final, row


def _append_logs(task_id: str, logs: list[dict[str, Any]], now: datetime) -> None:
    rows = []
    for entry in logs[:10]:  # Conductor keeps the first 10 entries of each update
        text = entry.get("log") if isinstance(entry, dict) else entry
        if text:
            rows.append(TaskLog(task_id=task_id, log=str(text), created_time=now))
    if rows:
        TaskLog.objects.bulk_create(rows)


def add_log(task_id: str, text: str) -> None:
    if not Task.objects.filter(pk=task_id).exists():
        raise NotFound(f"Task {task_id} not found")
    TaskLog.objects.create(task_id=task_id, log=text, created_time=timezone.now())


def logs(task_id: str) -> list[TaskLog]:
    return list(TaskLog.objects.filter(task_id=task_id).order_by("id"))


def get(task_id: str) -> Task:
    row = Task.objects.select_related("workflow").filter(pk=task_id).first()
    if row is None:
        raise NotFound(f"Task {task_id} not found")
    return row


def pending_by_ref(workflow_id: str, ref: str) -> str:
    """The id of the newest attempt of `ref` in a workflow (for update-by-ref-name)."""
    task_id = (
        Task.objects.filter(workflow_id=workflow_id, ref=ref).order_by("-seq").values_list("id", flat=True).first()
    )
    if task_id is None:
        task_id = (
            Task.objects.filter(workflow_id=workflow_id, node_ref=ref)
            .order_by("-seq")
            .values_list("id", flat=True)
            .first()
        )
    if task_id is None:
        raise NotFound(f"No task {ref} in workflow {workflow_id}")
    return task_id


def queue_sizes(queues: list[str]) -> dict[str, int]:
    sizes = {q: 0 for q in queues}
    rows = Task.objects.filter(queue__in=queues, status=TaskStatus.SCHEDULED.value)
    for queue, n in _count_by(rows, "queue"):
        sizes[queue] = n
    return sizes


def _count_by(rows: Any, field_name: str) -> list[tuple[str, int]]:
    from django.db.models import Count

    return [(r[field_name], r["n"]) for r in rows.values(field_name).annotate(n=Count("id"))]
