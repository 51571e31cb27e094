"""Celery tasks: thin wrappers over services (the sweeper, timers, failure workflows)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from executions import store
from orchestrator.conf import baton
from orchestrator.humantasks import sweep as human_sweep
from orchestrator.services import runtime, system_tasks, workflows
from orchestrator.services.errors import NotFound, ServiceError
from orchestrator.systemtasks import registry

log = logging.getLogger(__name__)


@shared_task(name="orchestrator.tasks.decide_workflow", ignore_result=True)
def decide_workflow(workflow_id: str) -> None:
    try:
        runtime.decide(workflow_id)
    except NotFound:
        pass


@shared_task(name="orchestrator.tasks.start_failure_workflow", ignore_result=True)
def start_failure_workflow(workflow_id: str) -> None:
    workflows.start_failure_workflow(workflow_id)


@shared_task(name="orchestrator.tasks.run_system_task", ignore_result=True)
def run_system_task(task_id: str) -> None:
    system_tasks.run(task_id)


@shared_task(name="orchestrator.tasks.notify_parent", ignore_result=True)
def notify_parent(child_id: str) -> None:
    system_tasks.notify_parent(child_id)


@shared_task(name="orchestrator.tasks.terminate_child", ignore_result=True)
def terminate_child(child_id: str, reason: str) -> None:
    try:
        workflows.terminate(child_id, reason)
    except ServiceError:
        pass  # already completed or gone


@shared_task(name="orchestrator.tasks.sweep", ignore_result=True)
def sweep() -> int:
    """Re-decide every workflow whose timer is due or whose worker lease has expired."""
    now = timezone.now()
    due = store.due_for_decision(now, baton.SWEEP_BATCH)
    for workflow_id in due:
        try:
            runtime.decide(workflow_id)
        except NotFound:
            continue
        except OperationalError:
            log.warning("sweeper could not decide %s now; next tick retries", workflow_id, exc_info=True)
    _resend_lost_messages(now)
    return len(due)


@shared_task(name="orchestrator.tasks.escalate_human_tasks", ignore_result=True)
def escalate_human_tasks() -> int:
    """Apply the human tasks' escalation steps that are due (see orchestrator.humantasks.sweep)."""
    return human_sweep.sweep()


def _resend_lost_messages(now: datetime) -> None:
    """Async system tasks still SCHEDULED, and finished children whose parent task still waits."""
    stale = now - timedelta(seconds=max(10, 2 * baton.SWEEP_INTERVAL_SECONDS))
    for task_id in store.lost_system_tasks(stale, registry.names_where(registry.is_async), baton.SWEEP_BATCH):
        run_system_task.delay(task_id)
    for child_id in store.unannounced_children(stale, baton.SWEEP_BATCH):
        notify_parent.delay(child_id)
