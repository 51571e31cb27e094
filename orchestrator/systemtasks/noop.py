"""NOOP: completes as soon as it is scheduled."""

from __future__ import annotations

from orchestrator.engine.definition import Node
from orchestrator.engine.model import TaskState
from orchestrator.engine.status import TaskStatus
from orchestrator.engine.tasktype import RunOps, TaskType


class Noop(TaskType):
    type_name = "NOOP"
    retriable = True

    def start(self, run: RunOps, task: TaskState, node: Node) -> TaskState:
        return run.finish(task, TaskStatus.COMPLETED, {})
