"""Fire records: the rows the runtime's ScheduleFire writes (and nothing else writes)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from .models import ScheduleFire


def claim_fire(schedule_id: int, schedule_name: str, scheduled_time: datetime, now: datetime,
               workflow_name: str, request: Mapping[str, Any], zone_id: str) -> ScheduleFire | None:
    """Insert the fire record of (schedule, scheduled time), or None if it exists already.

    Must run inside the caller's transaction: a concurrent insert of the same pair waits on the
    unique index until the other commits (then fails here) or rolls back (then succeeds here).
    """
    try:
        with transaction.atomic():
            return ScheduleFire.objects.create(
                execution_id=str(uuid.uuid4()), schedule_id=schedule_id, schedule_name=schedule_name,
                scheduled_time=scheduled_time, execution_time=now, state=ScheduleFire.State.POLLED,
                workflow_name=workflow_name, start_workflow_request=dict(request), zone_id=zone_id)
    except IntegrityError:
        return None


def fire_executed(fire: ScheduleFire, workflow_id: str) -> None:
    fire.state, fire.workflow_id = ScheduleFire.State.EXECUTED, workflow_id
    fire.save(update_fields=["state", "workflow_id"])


def fire_failed(fire: ScheduleFire, reason: str) -> None:
    fire.state, fire.reason = ScheduleFire.State.FAILED, reason[:4000]
    fire.save(update_fields=["state", "reason"])
