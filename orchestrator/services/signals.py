"""Signals and synchronous execution: find the task a workflow is blocked on, and wait for states."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from executions import store
from orchestrator.engine.model import TaskState
from orchestrator.engine.results import TaskResult
from orchestrator.engine.status import TaskStatus
from orchestrator.systemtasks import registry

from . import tasks
from .errors import InvalidInput, NotFound, WorkflowNotFound

if TYPE_CHECKING:
    from executions.models import Task

RETURN_STRATEGIES = ("TARGET_WORKFLOW", "BLOCKING_WORKFLOW", "BLOCKING_TASK", "BLOCKING_TASK_INPUT")
_MAX_DEPTH = 16


def blocking_task(workflow_id: str, depth: int = 0) -> Task | None:
    """The task a workflow (or one of its running children) is parked on until a signal (WAIT, HUMAN)."""
    pending = store.in_progress_tasks(workflow_id)
    for task in pending:
        if registry.get(task.task_type).waits_for_signal(task.input):
            return task
    if depth >= _MAX_DEPTH:
        return None
    for task in pending:
        if task.sub_workflow_id and registry.get(task.task_type).starts_child_workflow:
            found = blocking_task(task.sub_workflow_id, depth + 1)
            if found is not None:
                return found
    return None


def signal(workflow_id: str, status: str, output: dict[str, Any], *, required: bool) -> TaskState | None:
    """Complete (or fail) the task the workflow is blocked on.

    Returns None when nothing is blocked and `required` is false: Conductor's async signal answers
    200 and does nothing then, while its sync variant (required) answers 404.
    """
    if status not in ("COMPLETED", "FAILED", "FAILED_WITH_TERMINAL_ERROR", "IN_PROGRESS"):
        allowed = "COMPLETED, FAILED, FAILED_WITH_TERMINAL_ERROR or IN_PROGRESS"
        raise InvalidInput(f"status must be {allowed}, got {status!r}")
    if not store.workflow_exists(workflow_id):
        raise WorkflowNotFound(workflow_id)
    task = blocking_task(workflow_id)
    if task is None:
        if required:
            raise NotFound(f"Found no blocked task in workflow {workflow_id} to signal")
        return None
    return tasks.update(task.id, TaskResult(status=TaskStatus(status), output=output))


def target_reached(workflow_id: str, wait_refs: list[str]) -> bool:
    """Whether an execute-and-wait call can answer now."""
    if store.workflow_status(workflow_id) not in ("RUNNING", "PAUSED"):
        return True
    if wait_refs and store.any_task_ended(workflow_id, wait_refs):
        return True
    return blocking_task(workflow_id) is not None
