"""NOOP: completes as soon as it is scheduled."""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestrator.engine.definition import Node
from orchestrator.engine.model import TaskState
from orchestrator.engine.status import TaskStatus

from .base import TaskType

if TYPE_CHECKING:
    from orchestrator.engine.run import Run


class Noop(TaskType):
    type_name = "NOOP"
    retriable = True

    def start(self, run: Run, task: TaskState, node: Node) -> TaskState:
        return run.finish(task, TaskStatus.COMPLETED, {})
