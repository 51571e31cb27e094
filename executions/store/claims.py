"""Claiming worker tasks: SCHEDULED → IN_PROGRESS, and the "task started" event, in one statement.

The Task table is the queue: a claim picks rows under `task_poll_idx` with `FOR UPDATE SKIP
LOCKED` and never takes the workflow lock, so polls do not wait for deciders nor for each other.
On PostgreSQL the event rows are inserted by the same statement (a data-modifying CTE), so the
hop gains no statement. SQLite has no SKIP LOCKED and no row locks: its IMMEDIATE transaction
already serialises writers, and the events are one more INSERT there.

Only the runtime imports this module (an import-linter contract).

A caveat of taking no workflow lock: a claim's event and a decider's event of the same
workflow may commit out of id order (each takes its id at INSERT). A reader that resumes
strictly after the highest id it saw can then miss the lower one if it read between the two
commits. The log itself is complete; a reader that must see every row re-reads a short
trailing window (by `created`) and skips ids it already sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import F
from django.db.models.functions import Coalesce

from orchestrator.engine.status import TaskStatus

from .. import events
from ..models import ExecutionEvent, Task, Workflow
from .mapping import to_state


def serialise_queue(queue: str) -> None:
    """Limits are counted, then enforced: one limited poll of a queue at a time (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"baton-queue:{queue}"])
    # SQLite: the IMMEDIATE transaction already serialises every writer.


def claim(queue: str, worker_id: str | None, count: int, domain: str | None, now: datetime,
          known: Workflow | None = None) -> list[Task]:
    """Claim up to `count` pollable tasks of `queue`, in poll order, each with its workflow row
    (`known` saves reading a workflow already at hand). Must run inside atomic()."""
    if connection.vendor == "postgresql":
        rows = _claim_postgres(queue, worker_id, count, domain, now)
    else:
        rows = _claim_sqlite(queue, worker_id, count, domain, now)
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


_CLAIM_SQL = """
WITH claimed AS (
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
), started AS (
    INSERT INTO executions_executionevent (workflow_id, task_id, kind, payload, created)
    SELECT c.workflow_id, c.id, 'task', {payload}, %(now)s
      FROM claimed AS c
     ORDER BY c.priority DESC, c.available_at
)
SELECT * FROM claimed
"""


def _claim_postgres(queue: str, worker_id: str | None, count: int, domain: str | None,
                    now: datetime) -> list[Task]:
    sql = _CLAIM_SQL.format(domain="domain = %(domain)s" if domain else "domain IS NULL",
                            payload=events.CLAIM_PAYLOAD_SQL)
    params = {"now": now, "worker": worker_id, "queue": queue, "count": count, "domain": domain}
    return sorted(Task.objects.raw(sql, params), key=lambda r: (-r.priority, r.available_at))


def _claim_sqlite(queue: str, worker_id: str | None, count: int, domain: str | None,
                  now: datetime) -> list[Task]:
    candidates = Task.objects.filter(queue=queue, status=TaskStatus.SCHEDULED.value, available_at__lte=now)
    candidates = candidates.filter(domain=domain) if domain else candidates.filter(domain__isnull=True)
    picked: Sequence[tuple[str, int]] = list(
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
    rows = sorted(Task.objects.filter(pk__in=list(order)), key=lambda r: order[r.id])
    ExecutionEvent.objects.bulk_create([events.claim_event(r.workflow_id, to_state(r), now) for r in rows])
    return rows
