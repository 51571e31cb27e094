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

import json
from datetime import datetime

from django.db import connection

from .. import events
from ..models import Task, Workflow
from . import raw
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
    return sorted(raw.fetch(Task, sql, params), key=lambda r: (-r.priority, r.available_at))


# SQLite (>= 3.35 for RETURNING) in one UPDATE: the candidates are picked by the subquery in
# poll order; the IMMEDIATE transaction the runtime holds serialises writers, so nothing can
# take them in between. Datetimes are Django's SQLite text ("YYYY-MM-DD HH:MM:SS[.ffffff]",
# UTC): adding whole seconds leaves the fraction as it is, so the lease is the seconds part
# moved by strftime plus `now`'s own fraction (strftime alone would keep milliseconds only).
_CLAIM_SQLITE_SQL = """
UPDATE executions_task
   SET status = 'IN_PROGRESS',
       start_time = COALESCE(start_time, %(now)s),
       update_time = %(now)s,
       poll_count = poll_count + 1,
       worker_id = %(worker)s,
       callback_after_seconds = 0,
       lease_deadline = strftime('%%Y-%%m-%%d %%H:%%M:%%S', %(now)s,
                                 '+' || response_timeout_seconds || ' seconds') || substr(%(now)s, 20)
 WHERE id IN (
       SELECT id FROM executions_task
        WHERE queue = %(queue)s AND status = 'SCHEDULED' AND available_at <= %(now)s
          AND {domain}
        ORDER BY priority DESC, available_at
        LIMIT %(count)s)
RETURNING *
"""

_EVENT_INSERT_SQL = ("INSERT INTO executions_executionevent (workflow_id, task_id, kind, payload, created)"
                     " VALUES (%s, %s, %s, %s, %s)")


def _claim_sqlite(queue: str, worker_id: str | None, count: int, domain: str | None,
                  now: datetime) -> list[Task]:
    """The claim as one UPDATE ... RETURNING, then its "task started" events as one INSERT."""
    sql = _CLAIM_SQLITE_SQL.format(domain="domain = %(domain)s" if domain else "domain IS NULL")
    at = connection.ops.adapt_datetimefield_value(now)
    params = {"now": at, "worker": worker_id, "queue": queue, "count": count, "domain": domain}
    rows = sorted(raw.fetch(Task, sql, params), key=lambda r: (-r.priority, r.available_at))
    if rows:
        claimed = [events.claim_event(r.workflow_id, to_state(r), now) for r in rows]
        with connection.cursor() as cursor:
            cursor.executemany(_EVENT_INSERT_SQL, [
                (e.workflow_id, e.task_id, e.kind, json.dumps(e.payload), at) for e in claimed])
    return rows
