"""The escalation sweep (Celery beat, `orchestrator.tasks.escalate_human_tasks`): apply each
human task's escalation step that is due, one runtime command per step.

`escalation.next_escalation` decides; this module reads the rows, builds the `HumanEscalation`
command and its `record`, which re-decides on the row locked under the workflow lock and raises
`Stale` when another sweep applied the step first (the command then rolls back, no note). A
step replaces the candidates and releases a claim; an exhausted chain completes or fails the task
through the runtime, as a decision would, and closes the row.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import OperationalError
from django.utils import timezone

from orchestrator.engine.results import TaskResult
from orchestrator.engine.status import TaskStatus
from orchestrator.services import runtime
from orchestrator.services.commands import HumanEscalation
from orchestrator.services.errors import Conflict, ServiceError

from . import service
from .escalation import Escalate, Exhaust, RowState, chain_from_json, due_at, next_escalation
from .models import HumanTask

log = logging.getLogger(__name__)
S = HumanTask.Status


class Stale(Conflict):
    """The step was applied (or the task decided) since the sweep read the row."""


def state_of(row: HumanTask) -> RowState:
    return RowState(row.status in service.OPEN_STATES, chain_from_json(row.escalation),
                    row.escalation_level, row.escalated_at or row.created)


def sweep(now: datetime | None = None, batch: int = 200) -> int:
    """Apply the steps due at `now`; returns how many applied. A task whose steps are all overdue
    moves one step per sweep, so each group appears in the audit in turn."""
    now = now or timezone.now()
    # Rows for HUMAN tasks nobody has opened an inbox for yet. Incremental (syncing.py): with
    # nothing new, one indexed range read; the due steps are then one read of the partial index
    # humantask_escalate_idx, so an idle sweep is two indexed queries.
    service.sync(now)
    due = (HumanTask.objects.filter(status__in=service.OPEN_STATES, next_escalation_at__lte=now)
           .order_by("next_escalation_at").values_list("task_id", flat=True)[:batch])
    applied = 0
    for task_id in list(due):
        try:
            applied += apply(task_id, now)
        except ServiceError:
            continue  # another sweep applied it, or the task ended meanwhile
        except OperationalError:
            log.warning("could not escalate human task %s now; next sweep retries", task_id, exc_info=True)
    return applied


def apply(task_id: str, now: datetime) -> bool:
    """Apply the step due for one task now, through the runtime; False when none is due."""
    command = plan(task_id, now)
    if command is None:
        return False
    runtime.execute(command)
    return True


def plan(task_id: str, now: datetime) -> HumanEscalation | None:
    """The command that applies the step due now (None: none is due). Its `record` refuses
    (`Stale`) once the row has moved on, so a command planned twice applies once."""
    row = HumanTask.objects.select_related("claimed_by").filter(task_id=task_id).first()
    action = next_escalation(state_of(row), now) if row is not None else None
    if row is None or action is None:
        return None
    level = row.escalation_level

    def record() -> None:
        locked = HumanTask.objects.select_for_update().get(pk=row.pk)
        if locked.escalation_level != level or next_escalation(state_of(locked), now) != action:
            raise Stale(f"Escalation of {task_id} already applied")
        locked.escalation_level, locked.escalated_at = level + 1, now
        if isinstance(action, Escalate):
            locked.candidate_users, locked.candidate_groups = list(action.step.users), list(action.step.groups)
            locked.open_to_all = False
            locked.status, locked.claimed_by, locked.claimed_at = S.OPEN, None, None
            locked.next_escalation_at = due_at(RowState(True, chain_from_json(locked.escalation), level + 1, now))
        else:
            locked.status, locked.next_escalation_at, locked.decided_at = S.CLOSED, None, now
            locked.reason = f"escalation exhausted: {action.policy.action}"
        locked.save()

    data: dict[str, Any] = {"level": level + 1}
    result = None
    if isinstance(action, Escalate):
        data.update(assignees=list(action.step.users), groups=list(action.step.groups),
                    released=row.claimed_by.get_username() if row.claimed_by else None)
    else:
        result = _exhausted_result(action)
        data.update(exhausted=action.policy.action)
    return HumanEscalation(task_id, row.ref, data, record, result)


def _exhausted_result(action: Exhaust) -> TaskResult:
    if action.policy.action == "COMPLETE":
        return TaskResult(status=TaskStatus.COMPLETED, output={**action.policy.output, "escalationExhausted": True})
    return TaskResult(status=TaskStatus.FAILED, output={**action.policy.output, "escalationExhausted": True},
                      reason="escalation exhausted: nobody decided in time")
