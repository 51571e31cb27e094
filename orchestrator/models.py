"""Definitions and API access: task definitions, workflow definitions, API applications."""

from __future__ import annotations

from django.db import models


class Audited(models.Model):
    """When and by whom a definition-like row was created and last changed."""

    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    created_by = models.CharField(max_length=255, blank=True, default="")
    updated_by = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        abstract = True


class TaskDef(Audited):
    name = models.CharField(max_length=255, unique=True)
    description = models.TextField(blank=True, default="")
    definition = models.JSONField(help_text="The Conductor TaskDef JSON, with defaults filled in.")
    owner_email = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ["name"]
        verbose_name = "task definition"

    def __str__(self) -> str:
        return self.name


class WorkflowDef(Audited):
    name = models.CharField(max_length=255)
    version = models.PositiveIntegerField(default=1)
    description = models.TextField(blank=True, default="")
    definition = models.JSONField(help_text="The Conductor WorkflowDef JSON.")
    owner_email = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ["name", "-version"]
        verbose_name = "workflow definition"
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="workflowdef_name_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def task_count(self) -> int:
        return len(self.definition.get("tasks") or [])


class DefinitionTag(models.Model):
    """A key/value tag on a workflow definition (all its versions) or a task definition.

    Kept apart from the definition rows because a workflow's tags belong to its name, not to one
    version, and because the executions list filters by them (an indexed join on the name).
    """

    class Target(models.TextChoices):
        WORKFLOW = "workflow", "workflow definition"
        TASK = "task", "task definition"

    TYPES = ("METADATA", "RATE_LIMIT")  # the SDK's TagObject refuses any other type

    target = models.CharField(max_length=8, choices=Target.choices)
    name = models.CharField(max_length=255, help_text="The workflow or task definition name.")
    key = models.CharField(max_length=255)
    value = models.JSONField(help_text="A string, number or boolean.")
    type = models.CharField(max_length=16, default="METADATA")

    class Meta:
        ordering = ["target", "name", "id"]
        verbose_name = "definition tag"
        constraints = [
            models.UniqueConstraint(fields=["target", "name", "type", "key", "value"], name="definitiontag_unique"),
        ]
        indexes = [models.Index(fields=["target", "key"], name="definitiontag_key")]

    def __str__(self) -> str:
        return f"{self.key}:{self.value}"


class ApiApplication(models.Model):
    """A non-human client (workers, CI): one access key, of which only a hash is stored."""

    ROLE_ADMIN = "ADMIN"
    ROLE_WORKER = "WORKER"
    ROLES = [(ROLE_ADMIN, "Admin: every API"), (ROLE_WORKER, "Worker: poll and update tasks")]

    name = models.CharField(max_length=255)
    key_id = models.CharField(max_length=64, unique=True)
    secret_hash = models.CharField(max_length=255)
    role = models.CharField(max_length=16, choices=ROLES, default=ROLE_ADMIN)
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "API application"

    def __str__(self) -> str:
        return f"{self.name} ({self.key_id})"
