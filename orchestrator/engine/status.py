"""Conductor's task and workflow statuses, with the predicates that belong beside them.

The strings are Conductor's exactly: the SDK drops any response that carries another value.
"""

from __future__ import annotations

from enum import StrEnum


class TaskStatus(StrEnum):
    SCHEDULED = "SCHEDULED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    COMPLETED_WITH_ERRORS = "COMPLETED_WITH_ERRORS"
    FAILED = "FAILED"
    FAILED_WITH_TERMINAL_ERROR = "FAILED_WITH_TERMINAL_ERROR"
    TIMED_OUT = "TIMED_OUT"
    CANCELED = "CANCELED"
    SKIPPED = "SKIPPED"

    @property
    def is_terminal(self) -> bool:
        return self not in (TaskStatus.SCHEDULED, TaskStatus.IN_PROGRESS)

    @property
    def is_successful(self) -> bool:
        return self not in _UNSUCCESSFUL_TASK

    @property
    def is_retriable(self) -> bool:
        return self not in (
            TaskStatus.FAILED_WITH_TERMINAL_ERROR,
            TaskStatus.CANCELED,
            TaskStatus.SKIPPED,
        )


_UNSUCCESSFUL_TASK = frozenset(
    {
        TaskStatus.FAILED,
        TaskStatus.FAILED_WITH_TERMINAL_ERROR,
        TaskStatus.TIMED_OUT,
        TaskStatus.CANCELED,
    }
)

TERMINAL_TASK_STATUSES = frozenset(s.value for s in TaskStatus if s.is_terminal)
OPEN_TASK_STATUSES = frozenset(s.value for s in TaskStatus if not s.is_terminal)


class WorkflowStatus(StrEnum):
    RUNNING = "RUNNING"
    PAUSED = "PAUSED"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"
    TERMINATED = "TERMINATED"

    @property
    def is_terminal(self) -> bool:
        return self not in (WorkflowStatus.RUNNING, WorkflowStatus.PAUSED)

    @property
    def is_successful(self) -> bool:
        return self in (WorkflowStatus.COMPLETED, WorkflowStatus.PAUSED)


TERMINAL_WORKFLOW_STATUSES = frozenset(s.value for s in WorkflowStatus if s.is_terminal)

# Worker results the task API accepts (TaskResult.status).
RESULT_STATUSES = frozenset(
    {
        TaskStatus.IN_PROGRESS,
        TaskStatus.COMPLETED,
        TaskStatus.FAILED,
        TaskStatus.FAILED_WITH_TERMINAL_ERROR,
        TaskStatus.CANCELED,
    }
)
