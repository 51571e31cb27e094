"""Rows ⇄ engine values, derived from the engine's dataclass fields rather than listed by hand.

A `Task` row has one column per `TaskState` field (the row's `id` is `task_id`), plus the
columns only the database needs (`workflow`, `queue`, `priority`, `open`, `lease_deadline`).
A new `TaskState` field without a column fails `tests/db/test_store__mapping.py`.

TaskDef defaults live once, on `engine.model.TaskDefinition`; the Conductor (camelCase) names
of its fields are `TASK_DEF_FIELDS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import MISSING, fields, replace
from datetime import datetime, timedelta
from typing import Any

from orchestrator.engine.model import TaskDefinition, TaskState, WorkflowState
from orchestrator.engine.schemas import schema_fields
from orchestrator.engine.status import TaskStatus, WorkflowStatus
from orchestrator.systemtasks import registry

from ..models import Task, Workflow

# Every TaskState field but its id is a Task column of the same name.
STATE_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(TaskState) if f.name != "task_id")
_JSON_COLUMNS = ("input", "output")
# Every WorkflowState field but these is a Workflow column of the same name.
WORKFLOW_COLUMNS: tuple[str, ...] = tuple(
    f.name for f in fields(WorkflowState) if f.name not in ("workflow_id", "status", "tasks", "pending_elsewhere")
)

# Conductor's TaskDef JSON names for the engine's TaskDefinition fields.
TASK_DEF_FIELDS: dict[str, str] = {
    "retryCount": "retry_count",
    "retryLogic": "retry_logic",
    "retryDelaySeconds": "retry_delay_seconds",
    "backoffScaleFactor": "backoff_scale_factor",
    "maxRetryDelaySeconds": "max_retry_delay_seconds",
    "backoffJitterMs": "backoff_jitter_ms",
    "timeoutSeconds": "timeout_seconds",
    "timeoutPolicy": "timeout_policy",
    "responseTimeoutSeconds": "response_timeout_seconds",
    "pollTimeoutSeconds": "poll_timeout_seconds",
    "inputTemplate": "input_template",
    "rateLimitPerFrequency": "rate_limit_per_frequency",
    "rateLimitFrequencyInSeconds": "rate_limit_frequency_in_seconds",
    "concurrentExecLimit": "concurrent_exec_limit",
}


def _default(name: str) -> Any:
    field = next(f for f in fields(TaskDefinition) if f.name == name)
    if field.default_factory is not MISSING:
        return field.default_factory()
    return field.default


def task_def_defaults(names: Iterable[str] = TASK_DEF_FIELDS) -> dict[str, Any]:
    """Conductor's defaults for the given TaskDef JSON fields (from TaskDefinition's defaults)."""
    return {name: _default(TASK_DEF_FIELDS[name]) for name in names}


def task_definition(doc: Mapping[str, Any]) -> TaskDefinition:
    """Engine view of a TaskDef JSON document (Conductor defaults for absent or ill-typed fields)."""
    values: dict[str, Any] = {}
    for wire, name in TASK_DEF_FIELDS.items():
        value = doc.get(wire)
        default = _default(name)
        if isinstance(default, str):
            if isinstance(value, str) and value:
                values[name] = value
        elif isinstance(default, dict):
            if isinstance(value, dict):
                values[name] = value
        elif isinstance(value, int) and not isinstance(value, bool):
            values[name] = value
    values.update(schema_fields(doc))
    definition = TaskDefinition(name=str(doc.get("name") or ""), **values)
    poll = definition.poll_timeout_seconds
    return replace(definition, response_timeout_seconds=max(1, definition.response_timeout_seconds),
                   poll_timeout_seconds=poll if poll is not None and poll > 0 else None)


def to_state(row: Task) -> TaskState:
    values = {name: getattr(row, name) for name in STATE_COLUMNS}
    values["status"] = TaskStatus(row.status)
    return TaskState(task_id=row.id, **values)


def row_values(task: TaskState) -> dict[str, Any]:
    """The column values of a task row, derived columns (`open`, `lease_deadline`) included."""
    values = {name: getattr(task, name) for name in STATE_COLUMNS}
    values["status"] = task.status.value
    for name in _JSON_COLUMNS:
        values[name] = dict(values[name])
    values["dynamic_node"] = dict(task.dynamic_node) if task.dynamic_node is not None else None
    values["open"] = not (task.status.is_terminal and task.processed)
    values["lease_deadline"] = lease_deadline(task)
    return values


def lease_deadline(task: TaskState) -> datetime | None:
    if task.status != TaskStatus.IN_PROGRESS or not registry.is_worker_type(task.task_type):
        return None
    last = task.update_time or task.start_time or task.scheduled_time
    return last + timedelta(seconds=task.response_timeout_seconds)


def new_task_row(workflow: Workflow, task: TaskState) -> Task:
    return Task(
        id=task.task_id,
        workflow_id=workflow.id,
        queue=task.def_name if registry.is_worker_type(task.task_type) else None,
        priority=workflow.priority,
        **row_values(task),
    )


def workflow_state(row: Workflow, tasks: list[TaskState], pending_elsewhere: int = 0) -> WorkflowState:
    values = {name: getattr(row, name) for name in WORKFLOW_COLUMNS}
    values["task_to_domain"] = row.task_to_domain or {}
    return WorkflowState(workflow_id=row.id, status=WorkflowStatus(row.status), tasks=tasks,
                         pending_elsewhere=pending_elsewhere, **values)
