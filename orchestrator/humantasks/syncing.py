"""Keep the inbox rows in step with the HUMAN execution tasks, reading only what changed.

A HumanTask row is created lazily for each IN_PROGRESS HUMAN task that has none and closed when
its task ended elsewhere (API, terminate, timeout); see service.py for why lazily. Scanning every
pending HUMAN task on every inbox read cost ~100 ms at 5,000 open tasks, so a sync reads only
the HUMAN tasks whose `update_time` (stamped by the runtime on every change of a task: schedule,
start, finish, cancel) moved since the last sync — a range scan of a partial index
(`task_human_changed_idx`, migration 0005).

Timestamps are not commit order: a command stamps `update_time` before it commits, so a sync can
run between the stamp and the commit and not see the row. Each sync therefore re-reads a window of
SETTLE_SECONDS below where the previous one started (as executions/consumers.py does for the
live stream); a write that commits within that window of its stamp is never missed. Rows are
written idempotently (unique task_id, ignore_conflicts; closing is an UPDATE of open rows), so
re-reading the window is harmless. A full pass every FULL_EVERY seconds (and the first sync of a
process) catches what no timestamp shows: a transaction slower than the window, a deleted
execution, a row written outside the runtime.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from executions.models import Task
from orchestrator.engine.status import TaskStatus

from .models import HumanTask

SETTLE_SECONDS = 30.0
FULL_EVERY = 300.0
BATCH = 500  # rows created per call (the first syncs over a big backlog take several calls)
CHANGED_LIMIT = 2000  # changed HUMAN tasks one incremental read handles; more: a full pass
OPEN_STATES = (HumanTask.Status.OPEN, HumanTask.Status.CLAIMED)
RowBuilder = Callable[[Any, datetime], HumanTask]


class Mark:
    """Where the next sync starts reading (per process; the first sync of each process is full)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.since: datetime | None = None  # update_time lower bound of the next incremental read
        self.full_at = 0.0  # monotonic time of the last full pass

    def next_read(self) -> datetime | None:
        """The lower bound to read from, or None when this sync must be a full pass."""
        with self._lock:
            if self.since is None or time.monotonic() - self.full_at > FULL_EVERY:
                return None
            return self.since

    def advance(self, started: datetime, full: bool, complete: bool) -> None:
        """After a sync that began reading at `started`; `complete`: it created every row it saw
        (not cut off by BATCH), so the next one may start past what this one read."""
        with self._lock:
            if not complete:
                return  # read the same range again next time (or do the full pass again)
            floor = started - timedelta(seconds=SETTLE_SECONDS)
            self.since = floor if self.since is None or full else max(self.since, floor)
            if full:
                self.full_at = time.monotonic()

    def reset(self) -> None:
        with self._lock:
            self.since, self.full_at = None, 0.0


MARK = Mark()


def sync(build: RowBuilder, now: datetime, only: str | None = None) -> None:
    """Create the missing rows and close the ended ones. `only`: just this task's row (a task's
    page); otherwise what changed since the mark, or everything on a full pass."""
    if only is not None:
        _apply(build, now, Task.objects.filter(id=only), HumanTask.objects.filter(task_id=only))
        return
    started = timezone.now()  # the real clock, never an injected `now`: it bounds the next read
    since = MARK.next_read()
    if since is None:
        complete = _apply(build, now, Task.objects.all(), HumanTask.objects.all())
        MARK.advance(started, full=True, complete=complete)
        return
    # One indexed range read; with nothing new it returns nothing and the sync stops here.
    recent = Task.objects.filter(task_type="HUMAN", update_time__gte=since)
    changed = list(recent.values_list("id", flat=True)[:CHANGED_LIMIT + 1])
    if len(changed) > CHANGED_LIMIT:  # a burst: one pass over everything is cheaper than IN (...)
        MARK.advance(started, full=True, complete=_apply(build, now, Task.objects.all(), HumanTask.objects.all()))
        return
    complete = True
    if changed:
        tasks, rows = Task.objects.filter(id__in=changed), HumanTask.objects.filter(task_id__in=changed)
        complete = _apply(build, now, tasks, rows)
    MARK.advance(started, full=False, complete=complete)


def _apply(build: RowBuilder, now: datetime, tasks: QuerySet[Task], rows: QuerySet[HumanTask]) -> bool:
    """Insert rows for the pending HUMAN tasks among `tasks` that have none; close the open rows
    among `rows` whose task is no longer pending (or gone). False: BATCH cut the inserts short."""
    # NOT EXISTS (an index probe per pending task) rather than NOT IN over every row ever made.
    fresh = (tasks.filter(task_type="HUMAN", status=TaskStatus.IN_PROGRESS.value)
             .filter(~Exists(HumanTask.objects.filter(task_id=OuterRef("id")))).select_related("workflow"))
    found = list(fresh[:BATCH])
    HumanTask.objects.bulk_create([build(t, now) for t in found], ignore_conflicts=True)
    pending = Task.objects.filter(id=OuterRef("task_id"), task_type="HUMAN", status=TaskStatus.IN_PROGRESS.value)
    rows.filter(status__in=OPEN_STATES).filter(~Exists(pending)).update(status=HumanTask.Status.CLOSED)
    return len(found) < BATCH
