"""Work that leaves the transaction: Celery messages, sent only after commit.

A lost message only delays work: every wake-up is also stored as `next_check_at`, async system
tasks left SCHEDULED are re-sent by the sweeper, and finished children are re-announced to
their parents by the sweeper too.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction

from orchestrator.conf import baton
from orchestrator.engine.model import Outcome
from orchestrator.engine.status import TaskStatus
from orchestrator.systemtasks import registry

if TYPE_CHECKING:
    from executions.models import Workflow

log = logging.getLogger(__name__)


def is_async(task_type: str) -> bool:
    return registry.get(task_type).is_async


def is_child_workflow(task_type: str) -> bool:
    return registry.get(task_type).starts_child_workflow


def after_decide(row: Workflow, outcome: Outcome, now: datetime) -> None:
    wakeup = outcome.next_wakeup
    if wakeup is not None and wakeup - now < timedelta(seconds=baton.SWEEP_INTERVAL_SECONDS):
        # Timers shorter than a sweep tick get their own message so they fire on time.
        send_on_commit("orchestrator.tasks.decide_workflow", row.id, eta=wakeup)
    created = {t.task_id for t in outcome.created}
    for task in list(outcome.created) + [t for t in outcome.changed if t.task_id not in created]:
        # New async tasks, and ones a retry or rerun put back to SCHEDULED.
        if task.status == TaskStatus.SCHEDULED and is_async(task.task_type):
            eta = task.available_at if task.available_at and task.available_at > now else None
            send_on_commit("orchestrator.tasks.run_system_task", task.task_id, eta=eta)
    for task in outcome.changed:
        if task.status == TaskStatus.CANCELED and task.sub_workflow_id and is_child_workflow(task.task_type):
            send_on_commit("orchestrator.tasks.terminate_child", task.sub_workflow_id,
                           f"Parent workflow {row.id} ended")
    patch = outcome.workflow
    if patch is not None and patch.status is not None and patch.status.is_terminal and row.parent_workflow_id:
        send_on_commit("orchestrator.tasks.notify_parent", row.id)
    if patch is not None and patch.start_failure_workflow:
        send_on_commit("orchestrator.tasks.start_failure_workflow", row.id)


def send_on_commit(task_name: str, *args: object, eta: datetime | None = None) -> None:
    def send() -> None:
        from orchestrator.celery import app

        try:
            app.send_task(task_name, args=list(args), eta=eta)
        except Exception:  # noqa: BLE001 - the sweeper covers a message that could not be sent
            log.warning("could not send %s%r; the sweeper will catch up", task_name, args, exc_info=True)

    transaction.on_commit(send)
