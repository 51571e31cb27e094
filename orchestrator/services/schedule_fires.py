"""Firing schedules exactly once, previewing fire times, and searching the fire records.

`fire_due(schedule_id)` is what beat's tick runs. Under the schedule's row lock it computes the
Spring fire times in (fired_through, now] and fires them through the runtime's `ScheduleFire`
(the unique fire record and the workflow start, in this same transaction), then moves
`fired_through`. So:

- two beats ticking at once: the second skips the locked row (or, coming after, sees nothing due);
- a crash or a restart mid-fire: the transaction rolls back whole, the next tick fires again;
- the unique (schedule, scheduled time) record stops a double even without the lock.

After downtime, `runCatchupScheduleInstances` fires every missed time once, oldest first (at
most CATCHUP_BATCH per tick; the next tick goes on), or else only the latest missed time.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from orchestrator.scheduler.cron import CronError, SpringCron, from_ms, to_ms
from orchestrator.scheduler.models import Schedule, ScheduleFire

from . import runtime, workflows
from .commands import ScheduleFire as FireCommand
from .errors import InvalidInput
from .schedules import ScheduleNotFound

CATCHUP_BATCH = 100
_PREVIEW_MAX = 100
# Windows looked back through for the latest missed time (a per-second cron finds it in the first).
_LOOKBACK = (timedelta(hours=1), timedelta(days=2), timedelta(days=32), timedelta(days=367), timedelta(days=3000))


def fire_due(schedule_id: int, now: datetime | None = None) -> int:
    """Fire what is due for one schedule; returns how many fire records this call wrote."""
    now = now or timezone.now()
    with transaction.atomic():
        # SKIP LOCKED: a tick that finds another tick firing this schedule leaves at once rather
        # than holding a worker slot; the other fires everything due up to its own now, and what
        # falls due later is the next tick's (the cursor moves only as far as what was fired).
        row = Schedule.objects.select_for_update(skip_locked=True).filter(pk=schedule_id).first()
        if row is None or row.paused:
            return 0
        try:
            cron = SpringCron.parse(row.cron_expression, row.zone_id)
        except CronError:
            return 0  # saved before a stricter parser; the save path refuses it now
        after = row.fired_through
        if row.schedule_start_time is not None:
            after = max(after, row.schedule_start_time - timedelta(microseconds=1))
        until = min(now, row.schedule_end_time) if row.schedule_end_time is not None else now
        if row.run_catchup_schedule_instances:
            due = cron.between(after, until, limit=CATCHUP_BATCH)
            through = due[-1] if len(due) == CATCHUP_BATCH else until
        else:
            due = _latest(cron, after, until)
            through = until
        fired = sum(runtime.execute(_command(row, scheduled)).fired for scheduled in due)
        if through > row.fired_through:
            row.fired_through = through
            row.save(update_fields=["fired_through"])
        return fired


def run_now(name: str) -> str | None:
    """Fire a schedule once now, outside its cron (the UI's "run now"); returns the workflow id."""
    row = Schedule.objects.filter(name=name).first()
    if row is None:
        raise ScheduleNotFound(name)
    return runtime.execute(_command(row, timezone.now())).workflow_id


def _latest(cron: SpringCron, after: datetime, until: datetime) -> list[datetime]:
    if until <= after:
        return []
    for window in _LOOKBACK:
        times = cron.between(max(after, until - window), until)
        if times:
            return times[-1:]
        if until - window <= after:
            return []
    return []


def _command(row: Schedule, scheduled: datetime) -> FireCommand:
    request = dict(row.start_workflow_request or {})

    def start() -> str:
        return workflows.start(workflows.StartRequest(
            name=str(request.get("name") or ""), version=request.get("version"),
            input=dict(request.get("input") or {}), correlation_id=request.get("correlationId"),
            priority=int(request.get("priority") or 0), task_to_domain=dict(request.get("taskToDomain") or {}),
            created_by=f"scheduler:{row.name}"))

    return FireCommand(schedule_id=row.pk, schedule_name=row.name, scheduled_time=scheduled,
                       workflow_name=row.workflow_name, request=request, zone_id=row.zone_id, start=start)


def requeue_all() -> int:
    """Tick every active schedule now (Conductor's admin/requeue): fires nothing that is not due."""
    return sum(fire_due(pk) for pk in Schedule.objects.filter(paused=False).values_list("pk", flat=True))


# -- preview ------------------------------------------------------------------------------------


def next_few(cron_expression: str, start_ms: int | None, end_ms: int | None, limit: int | None,
             zone_id: str | None = None) -> list[int]:
    """The next `limit` (default 3) fire times in epoch ms, from `start_ms` (default now)."""
    try:
        cron = SpringCron.parse(cron_expression, zone_id)
    except CronError as exc:
        raise InvalidInput(str(exc)) from exc
    count = 3 if not limit else limit
    if not 1 <= count <= _PREVIEW_MAX:
        raise InvalidInput(f"limit must be between 1 and {_PREVIEW_MAX}")
    start = from_ms(start_ms) if start_ms else timezone.now()
    out: list[int] = []
    for instant in cron.iter_after(start - timedelta(milliseconds=1)):
        if (end_ms and to_ms(instant) > end_ms) or len(out) >= count:
            break
        out.append(to_ms(instant))
    return out


# -- search -------------------------------------------------------------------------------------

_FIELDS = {"scheduleName": "schedule_name", "workflowName": "workflow_name", "workflowId": "workflow_id",
           "executionId": "execution_id", "state": "state", "status": "state"}
_SORTS = {"startTime": "execution_time", "executionTime": "execution_time", "scheduledTime": "scheduled_time",
          "scheduleName": "schedule_name", "state": "state", "workflowName": "workflow_name"}
_CLAUSE = re.compile(r"^\s*(\w+)\s*(=|IN)\s*(.+?)\s*$", re.IGNORECASE)


def search(query: str | None, free_text: str | None, sort: str | None, start: int, size: int) -> dict[str, Any]:
    """Conductor's SearchResult of WorkflowScheduleExecutionModel.

    `query` is Conductor's: clauses `field = 'value'` or `field IN (a, b)` joined by AND, over
    scheduleName, workflowName, workflowId, executionId and state; `*` or empty matches all.
    `sort` is `field:ASC|DESC` (startTime, scheduledTime...). `freeText` matches names and ids.
    """
    rows = ScheduleFire.objects.all()
    rows = rows.filter(_query(query))
    if free_text and free_text.strip() not in ("", "*"):
        text = free_text.strip()
        rows = rows.filter(Q(schedule_name__icontains=text) | Q(workflow_name__icontains=text)
                           | Q(workflow_id=text) | Q(reason__icontains=text))
    rows = rows.order_by(*_order(sort))
    total = rows.count()
    return {"totalHits": total, "results": [fire_json(r) for r in rows[start:start + size]]}


def _query(query: str | None) -> Q:
    if not query or query.strip() in ("", "*"):
        return Q()
    out = Q()
    for clause in re.split(r"\s+AND\s+", query.strip(), flags=re.IGNORECASE):
        match = _CLAUSE.match(clause)
        if not match or match.group(1) not in _FIELDS:
            raise InvalidInput(f"query: cannot read {clause!r}; use field='value' or field IN (a,b) with "
                               f"{', '.join(sorted(_FIELDS))}, joined by AND")
        column, op, raw = _FIELDS[match.group(1)], match.group(2).upper(), match.group(3)
        if op == "IN":
            values = [v.strip().strip("'\"") for v in raw.strip("() ").split(",") if v.strip()]
            out &= Q(**{f"{column}__in": values})
        else:
            out &= Q(**{column: raw.strip("'\"")})
    return out


def _order(sort: str | None) -> list[str]:
    if not sort:
        return ["-execution_time", "-pk"]
    field, _, direction = sort.partition(":")
    if field not in _SORTS or direction.upper() not in ("", "ASC", "DESC"):
        raise InvalidInput(f"sort: use one of {', '.join(sorted(_SORTS))} with :ASC or :DESC, got {sort!r}")
    prefix = "-" if direction.upper() == "DESC" else ""
    return [prefix + _SORTS[field], prefix + "pk"]


def fire_json(row: ScheduleFire) -> dict[str, Any]:
    return {
        "executionId": row.execution_id,
        "scheduleName": row.schedule_name,
        "scheduledTime": to_ms(row.scheduled_time),
        "executionTime": to_ms(row.execution_time),
        "workflowName": row.workflow_name,
        "workflowId": row.workflow_id,
        "reason": row.reason,
        "stackTrace": None,
        "startWorkflowRequest": row.start_workflow_request,
        "state": row.state,
        "zoneId": row.zone_id,
        "orgId": None,
    }


# -- reads for the pages ------------------------------------------------------------------------


def history(schedule: Schedule, limit: int = 100) -> list[ScheduleFire]:
    return list(ScheduleFire.objects.filter(schedule=schedule).order_by("-scheduled_time")[:limit])


def last_fires(rows: list[Schedule]) -> dict[int, ScheduleFire]:
    """The latest fire of each schedule, one query."""
    if connection.features.can_distinct_on_fields:
        latest = (ScheduleFire.objects.filter(schedule__in=rows).order_by("schedule_id", "-scheduled_time")
                  .distinct("schedule_id"))
        return {f.schedule_id: f for f in latest}
    out: dict[int, ScheduleFire] = {}
    for row in rows:  # SQLite has no DISTINCT ON: one indexed query per schedule
        fire = ScheduleFire.objects.filter(schedule=row).order_by("-scheduled_time").first()
        if fire is not None:
            out[row.pk] = fire
    return out


def next_fire(row: Schedule, now: datetime | None = None) -> datetime | None:
    """When the schedule fires next (None if paused, ended, or its cron never fires)."""
    if row.paused:
        return None
    now = now or timezone.now()
    after = max(now, row.schedule_start_time - timedelta(microseconds=1)) if row.schedule_start_time else now
    try:
        nxt = SpringCron.parse(row.cron_expression, row.zone_id).next_after(after)
    except CronError:
        return None
    if nxt is None or (row.schedule_end_time is not None and nxt > row.schedule_end_time):
        return None
    return nxt

