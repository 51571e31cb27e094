"""Execution state: workflows, their tasks, the event log and task logs.

The Task table is also the worker queue: SCHEDULED rows of a queue are claimed with
SELECT ... FOR UPDATE SKIP LOCKED under `task_poll_idx`, so claiming, completing and deciding
are transactions in the same database as the state.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from django.conf import settings
from django.db import models
from django.db.models import Q

from orchestrator.engine.status import TaskStatus, WorkflowStatus

# Enum's functional API (name, [(member, value), ...]) derives the choices from the engine's statuses;
# django-stubs types only the one-member form of that call, hence the ignores.
WorkflowStatusChoices = models.TextChoices(  # type: ignore[call-overload]
    "WorkflowStatusChoices", [(s.value, s.value) for s in WorkflowStatus]
)
TaskStatusChoices = models.TextChoices(  # type: ignore[call-overload]
    "TaskStatusChoices", [(s.value, s.value) for s in TaskStatus]
)


FAILED_TASK = ["FAILED", "FAILED_WITH_TERMINAL_ERROR", "TIMED_OUT"]


class DefinitionSnapshot(models.Model):
    """The exact definition an execution runs, shared by every execution of identical JSON."""

    digest = models.CharField(max_length=64, primary_key=True)
    name = models.CharField(max_length=255)
    version = models.PositiveIntegerField()
    definition = models.JSONField()
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} v{self.version} ({self.digest[:10]})"


class Workflow(models.Model):
    id = models.CharField(max_length=64, primary_key=True)
    name = models.CharField(max_length=255)
    version = models.PositiveIntegerField()
    snapshot = models.ForeignKey(DefinitionSnapshot, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=WorkflowStatusChoices.choices, default="RUNNING")
    input = models.JSONField(default=dict, blank=True)
    output = models.JSONField(default=dict, blank=True)
    variables = models.JSONField(default=dict, blank=True)
    correlation_id = models.CharField(max_length=255, null=True, blank=True)
    reason = models.TextField(null=True, blank=True)
    parent_workflow_id = models.CharField(max_length=64, null=True, blank=True)
    parent_workflow_task_id = models.CharField(max_length=64, null=True, blank=True)
    priority = models.IntegerField(default=0)
    task_to_domain = models.JSONField(default=dict, blank=True)
    failed_refs = models.JSONField(default=list, blank=True)
    failed_task_names = models.JSONField(default=list, blank=True)
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)
    created_by = models.CharField(max_length=255, blank=True, default="")
    create_time = models.DateTimeField()
    update_time = models.DateTimeField()
    end_time = models.DateTimeField(null=True, blank=True)
    last_retried_time = models.DateTimeField(null=True, blank=True)
    seq = models.IntegerField(default=0, help_text="Highest task seq handed out.")
    next_check_at = models.DateTimeField(
        null=True, blank=True, help_text="When the decider must look again (timers, timeouts)."
    )

    class Meta:
        ordering = ["-create_time"]
        indexes = [
            models.Index(fields=["name", "-create_time"], name="wf_name_created_idx"),
            models.Index(fields=["status", "-create_time"], name="wf_status_created_idx"),
            models.Index(fields=["correlation_id"], name="wf_correlation_idx"),
            models.Index(fields=["-create_time"], name="wf_created_idx"),
            models.Index(
                fields=["next_check_at"],
                name="wf_sweep_idx",
                condition=Q(status__in=["RUNNING", "PAUSED"]) & Q(next_check_at__isnull=False),
            ),
            models.Index(fields=["parent_workflow_id"], name="wf_parent_idx"),
            # The run list sorted by last change; PostgreSQL-only indexes (input GIN, id prefix)
            # are in migration 0003_run_list_indexes.
            models.Index(fields=["-update_time", "-id"], name="wf_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.id}"


class Task(models.Model):
    id = models.CharField(max_length=64, primary_key=True)
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="tasks")
    ref = models.CharField(max_length=255, help_text="Runtime reference name (loop tasks carry __N).")
    node_ref = models.CharField(max_length=255, help_text="taskReferenceName in the definition.")
    task_type = models.CharField(max_length=64)
    def_name = models.CharField(max_length=255)
    queue = models.CharField(
        max_length=255, null=True, blank=True, help_text="Worker queue name; empty for system tasks."
    )
    domain = models.CharField(max_length=255, null=True, blank=True)
    status = models.CharField(max_length=32, choices=TaskStatusChoices.choices)
    seq = models.IntegerField()
    retry_count = models.IntegerField(default=0)
    iteration = models.IntegerField(default=0)
    input = models.JSONField(default=dict, blank=True)
    output = models.JSONField(default=dict, blank=True)
    priority = models.IntegerField(default=0)
    scheduled_time = models.DateTimeField()
    start_time = models.DateTimeField(null=True, blank=True)
    end_time = models.DateTimeField(null=True, blank=True)
    update_time = models.DateTimeField(null=True, blank=True)
    available_at = models.DateTimeField(null=True, blank=True)
    lease_deadline = models.DateTimeField(null=True, blank=True)
    callback_after_seconds = models.IntegerField(default=0)
    start_delay_seconds = models.IntegerField(default=0)
    response_timeout_seconds = models.IntegerField(default=3600)
    poll_count = models.IntegerField(default=0)
    worker_id = models.CharField(max_length=255, null=True, blank=True)
    reason = models.TextField(null=True, blank=True)
    retried = models.BooleanField(default=False)
    retried_task_id = models.CharField(max_length=64, null=True, blank=True)
    processed = models.BooleanField(default=False)
    open = models.BooleanField(
        default=True, help_text="Still in the decider's working set: pending, or finished but unprocessed."
    )
    sub_workflow_id = models.CharField(max_length=64, null=True, blank=True)
    dynamic_node = models.JSONField(
        null=True, blank=True, help_text="WorkflowTask JSON of a task created by a dynamic fork or DYNAMIC."
    )
    dynamic_parent = models.CharField(
        max_length=255, null=True, blank=True, help_text="The definition node a dynamic task stands in for."
    )

    class Meta:
        ordering = ["seq"]
        constraints = [
            # Exactly-once scheduling: one row per (workflow, ref, iteration, attempt).
            models.UniqueConstraint(
                fields=["workflow", "ref", "iteration", "retry_count"], name="task_attempt_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["queue", "domain", "-priority", "available_at"],
                name="task_poll_idx",
                condition=Q(status="SCHEDULED") & Q(queue__isnull=False),
            ),
            models.Index(fields=["workflow"], name="task_open_idx", condition=Q(open=True)),
            # The open tasks a result's decision loads (store.reads.load_state with a focus): not
            # the pending worker tasks, so a wide fork's completion does not read its open branches.
            models.Index(fields=["workflow"], name="task_open_unwaiting_idx", condition=Q(open=True) & (
                Q(queue__isnull=True) | ~Q(status__in=["SCHEDULED", "IN_PROGRESS"]))),
            models.Index(fields=["workflow", "ref", "-seq"], name="task_ref_idx"),
            models.Index(fields=["workflow", "node_ref", "-seq"], name="task_node_ref_idx"),
            models.Index(
                fields=["lease_deadline"], name="task_lease_idx", condition=Q(status="IN_PROGRESS")
            ),
            models.Index(fields=["queue", "status"], name="task_queue_status_idx"),
            # The JOIN after a dynamic fork counts finished branches by their fork on each
            # completion (store.reads.History.count_finished_children).
            models.Index(
                fields=["workflow", "dynamic_parent", "iteration", "status"], name="task_fork_child_idx",
                condition=Q(dynamic_parent__isnull=False) & Q(retried=False),
            ),
            # The run list's "failed task" filter (by ref, by reason): only failed rows, so small.
            models.Index(fields=["ref"], name="task_failed_ref_idx", condition=Q(status__in=FAILED_TASK)),
            models.Index(fields=["node_ref"], name="task_failed_node_ref_idx", condition=Q(status__in=FAILED_TASK)),
        ]

    def __str__(self) -> str:
        return f"{self.ref} ({self.status})"


class ExecutionEvent(models.Model):
    """Append-only history of an execution: the audit trail and the source of the live stream."""

    workflow_id = models.CharField(max_length=64)
    task_id = models.CharField(max_length=64, null=True, blank=True)
    kind = models.CharField(max_length=32)
    payload = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["workflow_id", "id"], name="event_workflow_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.workflow_id}"


class TaskLog(models.Model):
    task_id = models.CharField(max_length=64)
    log = models.TextField()
    created_time = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["task_id", "id"], name="tasklog_task_idx")]

    def __str__(self) -> str:
        return f"log {self.task_id}"


class SavedView(models.Model):
    """A user's named run-list filter and sort (the list's query string), theirs alone."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_run_views")
    name = models.CharField(max_length=100)
    query = models.TextField(blank=True, help_text="The run list's query string, without paging.")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user", "name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="savedview_user_name_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.user_id})"

    def readable_query(self) -> str:
        """The query as a person reads it: `tag=team:payments status=FAILED`."""
        return " ".join(f"{k}={v}" for k, v in parse_qsl(self.query))
