"""SET_VARIABLE: merge the task input into `workflow.variables`."""

from __future__ import annotations

import json

from orchestrator.engine.definition import Node
from orchestrator.engine.model import TaskState
from orchestrator.engine.status import TaskStatus
from orchestrator.engine.tasktype import RunOps, TaskType

MAX_VARIABLES_BYTES = 256 * 1024  # Conductor's default limit


class SetVariable(TaskType):
    type_name = "SET_VARIABLE"

    def start(self, run: RunOps, task: TaskState, node: Node) -> TaskState:
        merged = {**run.current_variables(), **task.input}
        size = len(json.dumps(merged, separators=(",", ":")).encode())
        if size > MAX_VARIABLES_BYTES:
            reason = (
                f"The variables payload size: {size} bytes exceeds the limit of "
                f"{MAX_VARIABLES_BYTES} bytes"
            )
            return run.finish(task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, {}, reason=reason)
        run.set_variables(task.input)
        return run.finish(task, TaskStatus.COMPLETED, {})
