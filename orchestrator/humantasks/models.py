"""One row per HUMAN task execution: its candidates, claim and decision (the task's own status
stays on the execution's Task row; this row is what the inbox needs beside it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class HumanTask(models.Model):
    class Status(models.TextChoices):
        OPEN = "OPEN"  # waiting for someone to claim it
        CLAIMED = "CLAIMED"
        APPROVED = "APPROVED"
        REJECTED = "REJECTED"
        CLOSED = "CLOSED"  # the task ended without a decision here (API, terminate, timeout)

    task_id = models.CharField(max_length=64, unique=True)
    workflow_id = models.CharField(max_length=64, db_index=True)
    workflow_name = models.CharField(max_length=255)
    ref = models.CharField(max_length=255)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    candidate_users = models.JSONField(default=list, blank=True)
    candidate_groups = models.JSONField(default=list, blank=True)
    # No assignment in the definition: any signed-in user may take it. An assignment that
    # resolved to nobody (a `${...}` that came out empty) leaves it to nobody, not to everybody.
    open_to_all = models.BooleanField(default=False)
    form = models.JSONField(default=dict, blank=True,
                            help_text="The JSON Schema (as when the task was first seen), order, labels.")
    four_eyes = models.BooleanField(default=False)
    reason_required = models.BooleanField(default=True)
    priority = models.IntegerField(default=0)
    created = models.DateTimeField()
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    claimed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created"], name="humantask_status_idx")]

    def __str__(self) -> str:
        return f"{self.workflow_name}/{self.ref} ({self.status})"


class HumanComment(models.Model):
    """A remark on a human task by someone who may see it; shown oldest first on the task page
    and noted (`human.commented`) on the run's event log."""

    task_id = models.CharField(max_length=64, db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    author_name = models.CharField(max_length=150, help_text="Kept when the user is deleted.")
    text = models.TextField()
    created = models.DateTimeField()

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.author_name} on {self.task_id}"
