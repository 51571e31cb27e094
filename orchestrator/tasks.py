"""Celery tasks: thin wrappers over services (the sweeper, timers, failure workflows)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from executions.models import Task, Workflow
from orchestrator.conf import baton
from orchestrator.engine.status import TaskStatus
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
    batch = baton.SWEEP_BATCH
    due = set(
        Workflow.objects.filter(status__in=["RUNNING", "PAUSED"], next_check_at__lte=now)
        .order_by("next_check_at")
        .values_list("id", flat=True)[:batch]
    )
    due.update(
        Task.objects.filter(status=TaskStatus.IN_PROGRESS.value, lease_deadline__lte=now)
        .values_list("workflow_id", flat=True)[:batch]
    )
    for workflow_id in due:
        try:
            runtime.decide(workflow_id)
        except NotFound:
            continue
        except OperationalError:
            log.warning("sweeper could not decide %s now; next tick retries", workflow_id, exc_info=True)
    _resend_lost_messages(now)
    return len(due)


def _resend_lost_messages(now: datetime) -> None:
    """Async system tasks still SCHEDULED, and finished children whose parent task still waits."""
    stale = now - timedelta(seconds=max(10, 2 * baton.SWEEP_INTERVAL_SECONDS))
    waiting = Task.objects.filter(
        status=TaskStatus.SCHEDULED.value, queue__isnull=True, task_type__in=registry.names_where(registry.is_async),
        available_at__lte=stale,
    ).values_list("id", flat=True)[: baton.SWEEP_BATCH]
    for task_id in waiting:
        run_system_task.delay(task_id)
    children = Workflow.objects.filter(
        status__in=["COMPLETED", "FAILED", "TIMED_OUT", "TERMINATED"], parent_workflow_task_id__isnull=False,
        update_time__lte=stale,
    )
    parents = Task.objects.filter(
        task_type__in=registry.names_where(registry.starts_child), status=TaskStatus.IN_PROGRESS.value,
        sub_workflow_id__in=children.values("id"),
    ).values_list("sub_workflow_id", flat=True)[: baton.SWEEP_BATCH]
    for child_id in parents:
        notify_parent.delay(child_id)
