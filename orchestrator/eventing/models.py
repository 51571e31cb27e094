"""Event handlers, the messages they handled, and the actions that failed (dead letters)."""

from __future__ import annotations

from django.db import models


class EventHandler(models.Model):
    """Conductor's EventHandler: on a message of `event`, if `condition` holds, run `actions`."""

    name = models.CharField(max_length=255, unique=True)
    event = models.CharField(max_length=512, db_index=True,
                             help_text="sink:queue, e.g. amqp:orders or conductor:my_queue")
    condition = models.TextField(blank=True, default="")
    evaluator_type = models.CharField(max_length=32, blank=True, default="")
    actions = models.JSONField(default=list)
    active = models.BooleanField(default=False)  # Conductor's default: a handler is off until activated
    tags = models.JSONField(default=list, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.event})"


class EventExecution(models.Model):
    """One message handled by one handler. The unique (handler, message id) pair, written in the
    transaction of the handler's actions, is what makes at-least-once delivery effect-once."""

    class Status(models.TextChoices):
        COMPLETED = "COMPLETED"
        FAILED = "FAILED"
        SKIPPED = "SKIPPED"  # the condition was false

    handler_name = models.CharField(max_length=255)
    message_id = models.CharField(max_length=255)
    event = models.CharField(max_length=512)
    status = models.CharField(max_length=16, choices=Status.choices)
    payload = models.JSONField(null=True, blank=True)
    output = models.JSONField(default=list, blank=True)  # one entry per action, in order
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["handler_name", "message_id"], name="event_execution_once_per_handler"),
        ]
        indexes = [models.Index(fields=["handler_name", "-created"], name="event_execution_recent")]
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.handler_name} ← {self.message_id}: {self.status}"


class DeadLetter(models.Model):
    """A message whose action failed: kept with the error, the message itself acknowledged."""

    message_id = models.CharField(max_length=255)
    handler_name = models.CharField(max_length=255)
    event = models.CharField(max_length=512)
    action_index = models.IntegerField(null=True, blank=True)  # None: the condition failed to run
    action = models.CharField(max_length=64, blank=True, default="")
    payload = models.JSONField(null=True, blank=True)
    error = models.TextField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["-created"], name="dead_letter_recent")]
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.handler_name} ← {self.message_id}: {self.error[:60]}"
