"""Schedules as Conductor's scheduler API has them: save, read, pause/resume, tags.

`check_save` validates a SaveScheduleRequest and reports the first bad field by its JSON name
(`cronExpression`, `zoneId`, `startWorkflowRequest.name`...). Every write keeps the schedule's
beat entry (`scheduler.beat.sync`) in the same transaction, so what beat wakes always matches
what was saved. A save, and a resume, move `fired_through` to now: fire times that passed while
paused, or under the old expression, are not caught up later.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from orchestrator.models import WorkflowDef
from orchestrator.scheduler import beat
from orchestrator.scheduler.cron import CronError, SpringCron, from_ms, to_ms
from orchestrator.scheduler.models import Schedule

from . import tags as tag_rules
from .errors import InvalidInput, NotFound
from .tags import Tag

_NAME_MAX = 255


class ScheduleNotFound(NotFound):
    def __init__(self, name: str) -> None:
        super().__init__(f"Schedule not found: {name}")


def check_save(doc: Any, user: str, now: datetime | None = None) -> Schedule:
    """Validate a SaveScheduleRequest, then create or replace the schedule of that name."""
    if not isinstance(doc, dict):
        raise InvalidInput("The request body must be a SaveScheduleRequest object")
    name = doc.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > _NAME_MAX:
        raise InvalidInput(f"name: a non-empty string of at most {_NAME_MAX} characters is required")
    if "/" in name or name != name.strip():
        # It is a path segment of every per-schedule endpoint and page.
        raise InvalidInput(f"name must not contain '/' or start or end with spaces, got {name!r}")
    cron_text = doc.get("cronExpression")
    if not isinstance(cron_text, str) or not cron_text.strip():
        raise InvalidInput("cronExpression: a Spring cron expression (6 fields, seconds first) is required")
    zone_id = doc.get("zoneId") or "UTC"
    if not isinstance(zone_id, str):
        raise InvalidInput("zoneId must be a string (an IANA time zone such as Europe/Berlin)")
    try:
        SpringCron.parse(cron_text, zone_id)
    except CronError as exc:
        raise InvalidInput(str(exc) if str(exc).startswith(exc.field) else f"{exc.field}: {exc}") from exc
    request = _start_request(doc.get("startWorkflowRequest"))
    start, end = _instant(doc, "scheduleStartTime"), _instant(doc, "scheduleEndTime")
    if start and end and end <= start:
        raise InvalidInput("scheduleEndTime must be after scheduleStartTime")
    values = {
        "description": _text(doc, "description"),
        "cron_expression": cron_text.strip(),
        "zone_id": zone_id,
        "start_workflow_request": request,
        "run_catchup_schedule_instances": _bool(doc, "runCatchupScheduleInstances"),
        "paused": _bool(doc, "paused"),
        "schedule_start_time": start,
        "schedule_end_time": end,
    }
    return do_save(name, values, user, now or timezone.now())


def do_save(name: str, values: dict[str, Any], user: str, now: datetime) -> Schedule:
    """Create or replace a schedule with validated column values, and its beat entry."""
    with transaction.atomic():
        row = Schedule.objects.select_for_update().filter(name=name).first()
        if row is None:
            row = Schedule(name=name, created_by=user, create_time=now)
        for key, value in values.items():
            setattr(row, key, value)
        if not row.paused:
            row.paused_reason = None
        row.updated_by, row.updated_time, row.fired_through = user, now, now
        row.save()
        beat.sync(row)
    return row


def _start_request(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInput("startWorkflowRequest: a StartWorkflowRequest object is required")
    name = value.get("name")
    if not isinstance(name, str) or not name:
        raise InvalidInput("startWorkflowRequest.name: the name of the workflow to start is required")
    version = value.get("version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int) or version < 1):
        raise InvalidInput(f"startWorkflowRequest.version must be a positive integer, got {version!r}")
    for key in ("input", "taskToDomain"):
        if value.get(key) is not None and not isinstance(value[key], dict):
            raise InvalidInput(f"startWorkflowRequest.{key} must be a JSON object")
    if value.get("correlationId") is not None and not isinstance(value["correlationId"], str):
        raise InvalidInput("startWorkflowRequest.correlationId must be a string")
    priority = value.get("priority")
    if priority is not None and (isinstance(priority, bool) or not isinstance(priority, int)
                                 or not 0 <= priority <= 99):
        raise InvalidInput("startWorkflowRequest.priority must be an integer between 0 and 99")
    rows = WorkflowDef.objects.filter(name=name)
    if not (rows.filter(version=version) if version else rows).exists():
        raise InvalidInput(f"startWorkflowRequest.name: no workflow definition {name!r}"
                           + (f" version {version}" if version else ""))
    return {k: v for k, v in value.items() if v is not None}


def _instant(doc: dict[str, Any], key: str) -> datetime | None:
    value = doc.get(key)
    if value is None or value == 0:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(f"{key} must be epoch milliseconds, got {value!r}")
    return from_ms(value)


def _bool(doc: dict[str, Any], key: str) -> bool:
    value = doc.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InvalidInput(f"{key} must be true or false, got {value!r}")
    return value


def _text(doc: dict[str, Any], key: str) -> str:
    value = doc.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"{key} must be a string")
    return value


# -- reads --------------------------------------------------------------------------------------


def get(name: str) -> Schedule:
    row = Schedule.objects.filter(name=name).first()
    if row is None:
        raise ScheduleNotFound(name)
    return row


def all_schedules(workflow_name: str | None = None) -> list[Schedule]:
    rows = Schedule.objects.order_by("name")
    if workflow_name:
        rows = rows.filter(start_workflow_request__name=workflow_name)
    return list(rows)


def schedule_json(row: Schedule) -> dict[str, Any]:
    """Conductor's WorkflowSchedule."""
    return {
        "name": row.name,
        "cronExpression": row.cron_expression,
        "runCatchupScheduleInstances": row.run_catchup_schedule_instances,
        "paused": row.paused,
        "pausedReason": row.paused_reason,
        "startWorkflowRequest": row.start_workflow_request,
        "scheduleStartTime": to_ms(row.schedule_start_time) if row.schedule_start_time else None,
        "scheduleEndTime": to_ms(row.schedule_end_time) if row.schedule_end_time else None,
        "createTime": to_ms(row.create_time),
        "updatedTime": to_ms(row.updated_time),
        "createdBy": row.created_by,
        "updatedBy": row.updated_by,
        "zoneId": row.zone_id,
        "tags": list(row.tags or []),
        "description": row.description,
    }


# -- writes -------------------------------------------------------------------------------------


def delete(name: str) -> None:
    with transaction.atomic():
        row = Schedule.objects.select_for_update().filter(name=name).first()
        if row is None:
            raise ScheduleNotFound(name)
        beat.remove(row)
        row.delete()


def pause(name: str, reason: str | None, user: str) -> None:
    _set_paused(Schedule.objects.filter(name=name), True, reason, user, missing=name)


def resume(name: str, user: str) -> None:
    _set_paused(Schedule.objects.filter(name=name), False, None, user, missing=name)


def pause_all(user: str) -> None:
    _set_paused(Schedule.objects.filter(paused=False), True, "paused with all schedules", user)


def resume_all(user: str) -> None:
    _set_paused(Schedule.objects.filter(paused=True), False, None, user)


def _set_paused(rows: QuerySet[Schedule], paused: bool, reason: str | None, user: str,
                missing: str | None = None) -> None:
    now = timezone.now()
    with transaction.atomic():
        locked = list(rows.select_for_update().order_by("pk"))
        if missing is not None and not locked:
            raise ScheduleNotFound(missing)
        for row in locked:
            if not paused and row.paused:
                row.fired_through = now  # what passed while paused is not caught up
            row.paused, row.paused_reason = paused, reason
            row.updated_by, row.updated_time = user, now
            row.save()
            beat.sync(row)


# -- tags ---------------------------------------------------------------------------------------


def get_tags(name: str) -> list[dict[str, Any]]:
    return list(get(name).tags or [])


def set_tags(name: str, tags: list[Tag]) -> None:
    """PUT: replace the schedule's tags."""
    _change_tags(name, lambda have: list(dict.fromkeys(tags)))


def delete_tags(name: str, tags: list[Tag]) -> None:
    gone = set(tags)
    _change_tags(name, lambda have: [t for t in have if t not in gone])


def _change_tags(name: str, change: Callable[[list[Tag]], list[Tag]]) -> None:
    with transaction.atomic():
        row = Schedule.objects.select_for_update().filter(name=name).first()
        if row is None:
            raise ScheduleNotFound(name)
        have = [Tag(key=t["key"], value=t["value"], type=t.get("type") or "METADATA") for t in row.tags or []]
        row.tags = [t.as_json() for t in change(have)]
        row.save(update_fields=["tags"])


parse_tags = tag_rules.parse_tags
