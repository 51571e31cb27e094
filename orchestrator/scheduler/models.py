"""Schedules (Conductor's WorkflowSchedule) and their fire records.

A Schedule owns one django-celery-beat PeriodicTask (`periodic_task`), the beat entry that wakes
`fire_schedule` often enough for its cron; the Spring fire times themselves are computed by
`scheduler.cron`, never by beat. A ScheduleFire is unique per (schedule, scheduled time): that
constraint, inserted in the same transaction as the workflow start, is what makes a fire happen
once however many beat processes tick.
"""

from __future__ import annotations

from django.db import models
from django_celery_beat.models import PeriodicTask


class Schedule(models.Model):
    name = models.CharField(max_length=255, unique=True)
    description = models.TextField(blank=True, default="")
    cron_expression = models.CharField(max_length=255)
    zone_id = models.CharField(max_length=64, default="UTC")
    # The StartWorkflowRequest JSON as the client sent it (name, version, input, correlationId...).
    start_workflow_request = models.JSONField(default=dict)
    run_catchup_schedule_instances = models.BooleanField(default=False)
    paused = models.BooleanField(default=False)
    paused_reason = models.TextField(blank=True, null=True)
    schedule_start_time = models.DateTimeField(null=True, blank=True)
    schedule_end_time = models.DateTimeField(null=True, blank=True)
    tags = models.JSONField(default=list, blank=True)
    created_by = models.CharField(max_length=255, blank=True, default="")
    updated_by = models.CharField(max_length=255, blank=True, default="")
    create_time = models.DateTimeField()
    updated_time = models.DateTimeField()
    # Fire times up to here are handled (fired, failed, or passed over while paused or before
    # a save): the next tick looks only after it. Moved under the row lock, with the fires.
    fired_through = models.DateTimeField()
    periodic_task = models.OneToOneField(PeriodicTask, null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="baton_schedule")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def workflow_name(self) -> str:
        return str((self.start_workflow_request or {}).get("name") or "")


class ScheduleFire(models.Model):
    """One fire of a schedule: Conductor's WorkflowScheduleExecutionModel."""

    class State(models.TextChoices):
        POLLED = "POLLED"  # Conductor's state for a fire taken but not yet started
        EXECUTED = "EXECUTED"
        FAILED = "FAILED"

    execution_id = models.CharField(max_length=64, unique=True)
    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="fires")
    schedule_name = models.CharField(max_length=255, db_index=True)
    scheduled_time = models.DateTimeField()
    execution_time = models.DateTimeField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.POLLED)
    workflow_name = models.CharField(max_length=255, blank=True, default="")
    workflow_id = models.CharField(max_length=64, null=True, blank=True)
    reason = models.TextField(null=True, blank=True)
    start_workflow_request = models.JSONField(default=dict)
    zone_id = models.CharField(max_length=64, default="UTC")

    class Meta:
        ordering = ["-scheduled_time"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "scheduled_time"], name="schedulefire_once_per_time"),
        ]
        indexes = [models.Index(fields=["schedule", "-scheduled_time"], name="schedulefire_latest")]

    def __str__(self) -> str:
        return f"{self.schedule_name} @ {self.scheduled_time.isoformat()}"
