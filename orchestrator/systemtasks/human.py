"""HUMAN: waits IN_PROGRESS until someone completes it (task API, update-by-ref, signal, form)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from orchestrator.engine.definition import Node
from orchestrator.engine.model import TaskState
from orchestrator.engine.status import TaskStatus
from orchestrator.engine.tasktype import RunOps, TaskType


class Human(TaskType):
    type_name = "HUMAN"
    retriable = True

    def waits_for_signal(self, task_input: Mapping[str, Any]) -> bool:
        return True

    def start(self, run: RunOps, task: TaskState, node: Node) -> TaskState:
        return run.put(replace(task, status=TaskStatus.IN_PROGRESS, start_time=run.now, update_time=run.now))
