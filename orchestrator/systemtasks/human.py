"""HUMAN: waits IN_PROGRESS until someone completes it (task API, update-by-ref, signal, form)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from orchestrator.engine.definition import Node
from orchestrator.engine.model import TaskState
from orchestrator.engine.status import TaskStatus

from .base import TaskType

if TYPE_CHECKING:
    from orchestrator.engine.run import Run


class Human(TaskType):
    type_name = "HUMAN"
    retriable = True

    def start(self, run: Run, task: TaskState, node: Node) -> TaskState:
        return run.put(replace(task, status=TaskStatus.IN_PROGRESS, start_time=run.now, update_time=run.now))
