"""The reads of /metrics/: per-bucket throughput, duration percentiles, queue depth over time.

Everything is aggregated by the database over the rows of the window (Trunc buckets, COUNT,
percentile_cont on PostgreSQL), bounded by an indexed time column: create_time for starts,
end_time for ends (wf_end_idx, task_end_idx from migration 0005). Queue depth is derived from the
task rows themselves, not sampled: a task waits in its queue from its scheduled_time until it
starts (or ends unstarted, when canceled), so the depth at any instant is an exact count over
rows we already keep, and history needs no sampler process. See `queue_depth`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Case, CharField, Count, F, Q, QuerySet, When
from django.db.models.functions import Coalesce, Trunc

from ..models import Task, Workflow
from . import percentiles

COMPLETED = ("COMPLETED",)
FAILED = ("FAILED", "TIMED_OUT")
STEPS = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1)}
# Queue-depth lines drawn one per queue: the deepest few; the table and the total hold the rest.
MAX_QUEUE_LINES = 5


@dataclass(frozen=True)
class Window:
    since: datetime  # the first bucket's start
    until: datetime  # now
    unit: str  # "minute" | "hour"

    @property
    def buckets(self) -> list[datetime]:
        step, at, out = STEPS[self.unit], self.since, []
        while at <= self.until:
            out.append(at)
            at += step
        return out


def window(now: datetime, span: timedelta, unit: str) -> Window:
    """Whole buckets of `unit` (UTC) from the one holding `now - span` to the one holding `now`."""
    start = (now - span).astimezone(UTC).replace(second=0, microsecond=0)
    if unit == "hour":
        start = start.replace(minute=0)
    return Window(start, now, unit)


def _bucket(column: str, w: Window) -> Trunc:
    return Trunc(column, w.unit, tzinfo=UTC)


def _key(at: datetime) -> datetime:
    return at.astimezone(UTC)


@dataclass(frozen=True)
class Throughput:
    at: datetime
    started: int
    completed: int
    failed: int

    @property
    def failure_rate(self) -> float | None:
        """FAILED and TIMED_OUT over the runs that completed or failed in this bucket."""
        ended = self.completed + self.failed
        return self.failed / ended if ended else None


def _workflows(name: str | None) -> QuerySet[Workflow]:
    rows = Workflow.objects.all()
    return rows.filter(name=name) if name else rows


def throughput(w: Window, name: str | None = None) -> list[Throughput]:
    """Runs started (by create_time), completed and failed (by end_time) per bucket."""
    started = dict(_workflows(name).filter(create_time__gte=w.since).annotate(b=_bucket("create_time", w))
                   .values_list("b").annotate(n=Count("id")).order_by())
    ended: dict[tuple[datetime, bool], int] = {}
    rows = (_workflows(name).filter(end_time__gte=w.since, status__in=COMPLETED + FAILED)
            .annotate(b=_bucket("end_time", w), ok=Case(When(status__in=COMPLETED, then=True), default=False))
            .values_list("b", "ok").annotate(n=Count("id")).order_by())
    for at, ok, n in rows:
        ended[(_key(at), ok)] = n
    started = {_key(k): v for k, v in started.items()}
    return [Throughput(at, started.get(at, 0), ended.get((at, True), 0), ended.get((at, False), 0))
            for at in w.buckets]


def workflow_durations(w: Window, name: str | None = None) -> list[percentiles.Durations]:
    """p50/p95 of start-to-end per workflow name, over the runs that ended in the window."""
    rows = _workflows(name).filter(end_time__gte=w.since)
    return percentiles.by_group(rows, "name", "create_time", "end_time")


def _tasks(name: str | None) -> QuerySet[Task]:
    rows = Task.objects.all()
    return rows.filter(workflow__name=name) if name else rows


def task_durations(w: Window, name: str | None = None) -> list[percentiles.Durations]:
    """p50/p95 of start-to-end per task type, over the tasks that ended in the window.

    A worker task's type is its task definition's name, as in Conductor's `taskType`; a system
    task's is its type (HTTP, INLINE, ...). Tasks that ended without starting (canceled,
    skipped) have no duration and are left out.
    """
    rows = (_tasks(name).filter(end_time__gte=w.since, start_time__isnull=False)
            .annotate(kind=Case(When(task_type="SIMPLE", then=F("def_name")), default=F("task_type"),
                                output_field=CharField())))
    return percentiles.by_group(rows, "kind", "start_time", "end_time")


@dataclass(frozen=True)
class Depths:
    at: list[datetime]  # each bucket's end (the last one: now), where the depth is read
    queues: dict[str, list[int]]  # queue → depth at each of `at`, deepest peak first

    @property
    def total(self) -> list[int]:
        return [sum(col) for col in zip(*self.queues.values(), strict=True)] if self.queues else [0] * len(self.at)


def queue_depth(w: Window, name: str | None = None) -> Depths:
    """Tasks waiting in each queue at the end of each bucket, from the task rows.

    A task waits over [scheduled_time, leave) where leave = start_time, or end_time for a task
    that ended unstarted, or never (still SCHEDULED). At a bucket's end t the depth is those with
    scheduled_time < t <= leave: the ones waiting at the window's start, plus arrivals, minus
    departures, each counted per bucket in SQL, summed here. Any task waiting inside the window
    has ended inside it or not at all, so `end_time >= since OR end_time IS NULL` bounds every
    query by task_end_idx.
    """
    leave = Coalesce("start_time", "end_time")
    rows = (_tasks(name).filter(queue__isnull=False).filter(Q(end_time__gte=w.since) | Q(end_time__isnull=True))
            .annotate(leave=leave))
    initial = dict(rows.filter(scheduled_time__lt=w.since).filter(Q(leave__isnull=True) | Q(leave__gte=w.since))
                   .values_list("queue").annotate(n=Count("id")).order_by())
    delta: dict[str, dict[datetime, int]] = {}
    for column, sign in (("scheduled_time", 1), ("leave", -1)):
        moves = (rows.filter(**{f"{column}__gte": w.since}).annotate(b=_bucket(column, w))
                 .values_list("queue", "b").annotate(n=Count("id")).order_by())
        for queue, at, n in moves:
            per = delta.setdefault(queue, {})
            per[_key(at)] = per.get(_key(at), 0) + sign * n
    buckets = w.buckets
    queues: dict[str, list[int]] = {}
    for queue in set(initial) | set(delta):
        depth, series = initial.get(queue, 0), []
        for at in buckets:
            depth += delta.get(queue, {}).get(at, 0)
            series.append(depth)
        queues[queue] = series
    ordered = dict(sorted(queues.items(), key=lambda kv: (-max(kv[1], default=0), kv[0])))
    ends = [min(at + STEPS[w.unit], w.until) for at in buckets]
    return Depths(ends, ordered)
