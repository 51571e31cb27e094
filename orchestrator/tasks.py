"""Celery tasks: thin wrappers over services (the sweeper, timers, failure workflows)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from executions.models import Task, Workflow
from orchestrator.conf import baton
from orchestrator.engine.status import TaskStatus
from orchestrator.services import runtime, workflows
from orchestrator.services.errors import NotFound

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
    return len(due)
