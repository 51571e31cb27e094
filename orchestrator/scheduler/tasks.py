"""The Celery task beat runs for each schedule (see `scheduler.beat`)."""

from __future__ import annotations

from celery import shared_task

from orchestrator.services import schedule_fires


@shared_task(name="orchestrator.scheduler.fire_schedule", ignore_result=True)
def fire_schedule(schedule_id: int) -> int:
    """Fire what is due for one schedule; returns how many fires were recorded."""
    return schedule_fires.fire_due(schedule_id)
