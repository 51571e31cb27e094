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
    # 0..10, higher is more urgent (the definition's `priority`, default 5).
    priority = models.IntegerField(default=5)
    created = models.DateTimeField()
    correlation_id = models.CharField(max_length=255, blank=True, default="")
    # Resolved when the task is first seen (dueIn from its scheduled time, or dueAt).
    due_at = models.DateTimeField(null=True, blank=True)
    # The escalation chain as resolved (see escalation.chain_to_json), the steps applied so far,
    # when the last one applied, and when the next is due (what the sweep queries; null: never).
    escalation = models.JSONField(default=dict, blank=True)
    escalation_level = models.IntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    next_escalation_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    claimed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    # N-of-M: who voted so far (the HumanApproval rows, denormalised so the guards need no query
    # per row when the inbox filters a thousand open tasks); written under the row lock with each vote.
    voters = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "created"], name="humantask_status_idx"),
            models.Index(fields=["next_escalation_at"], name="humantask_escalate_idx",
                         condition=models.Q(next_escalation_at__isnull=False)),
            models.Index(fields=["status", "due_at"], name="humantask_due_idx"),
        ]
        permissions = [("reassign_humantask", "Can reassign a human task of one's groups to another eligible user")]

    def __str__(self) -> str:
        return f"{self.workflow_name}/{self.ref} ({self.status})"


class HumanApproval(models.Model):
    """One vote on an N-of-M task (`approvals` input): who approved or rejected, when, with which
    data. One per user and task (the constraint is the four-eyes rule's last line of defence)."""

    task = models.ForeignKey(HumanTask, on_delete=models.CASCADE, related_name="votes")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150)  # kept when the user is deleted
    at = models.DateTimeField()
    approve = models.BooleanField()
    data = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "username"], name="humanapproval_one_vote")]
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.username} {'approved' if self.approve else 'rejected'} {self.task_id}"


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
