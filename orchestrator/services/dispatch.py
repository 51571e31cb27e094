"""Work that leaves the transaction: Celery messages, sent only after commit.

A lost message only delays work: every wake-up is also stored as `next_check_at`, which the
beat-driven sweeper reads.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction

from executions.models import Workflow
from orchestrator.conf import baton
from orchestrator.engine.model import Outcome

log = logging.getLogger(__name__)


def after_decide(row: Workflow, outcome: Outcome, now: datetime) -> None:
    wakeup = outcome.next_wakeup
    if wakeup is not None and wakeup - now < timedelta(seconds=baton.SWEEP_INTERVAL_SECONDS):
        # Timers shorter than a sweep tick get their own message so they fire on time.
        _send_on_commit("orchestrator.tasks.decide_workflow", row.id, eta=wakeup)
    patch = outcome.workflow
    if patch is not None and patch.start_failure_workflow:
        _send_on_commit("orchestrator.tasks.start_failure_workflow", row.id)


def _send_on_commit(task_name: str, *args: object, eta: datetime | None = None) -> None:
    def send() -> None:
        from orchestrator.celery import app

        try:
            app.send_task(task_name, args=list(args), eta=eta)
        except Exception:  # the sweeper covers a message that could not be sent
            log.warning("could not send %s%r; the sweeper will catch up", task_name, args, exc_info=True)

    transaction.on_commit(send)
