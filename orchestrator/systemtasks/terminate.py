"""TERMINATE: end the workflow now with the given status, reason and output."""

from __future__ import annotations

from typing import Any

from orchestrator.engine.definition import Node
from orchestrator.engine.model import TaskState
from orchestrator.engine.problems import Problem, check_enum, inputs_of, is_dynamic, join, required
from orchestrator.engine.status import TaskStatus, WorkflowStatus
from orchestrator.engine.tasktype import RunOps, TaskType

ALLOWED = ("COMPLETED", "FAILED", "TERMINATED")


class Terminate(TaskType):
    type_name = "TERMINATE"

    def validate(self, task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
        inputs = inputs_of(task)
        status = inputs.get("terminationStatus")
        ip = join(path, "inputParameters")
        if is_dynamic(status):
            return []
        if status is None:
            return [required("WF.E050", join(ip, "terminationStatus"), "one of " + ", ".join(ALLOWED), ref)]
        return check_enum(inputs, "terminationStatus", ip, "WF.E050", ALLOWED, ref)

    def start(self, run: RunOps, task: TaskState, node: Node) -> TaskState:
        status = task.input.get("terminationStatus")
        if status not in ALLOWED:
            reason = f"terminationStatus must be one of {', '.join(ALLOWED)}, got {status!r}"
            return run.finish(task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, {}, reason=reason)
        value = task.input.get("workflowOutput")
        output = dict(value) if isinstance(value, dict) else ({} if value is None else {"output": value})
        given_reason = task.input.get("terminationReason")
        # Conductor's endExecution gives a blank terminationReason this text, also for COMPLETED.
        end_reason = str(given_reason) if given_reason else f"Workflow is {status} by TERMINATE task: {task.task_id}"
        task = run.finish(task, TaskStatus.COMPLETED, output)
        task = run.put(_processed(task))
        run.end(WorkflowStatus(status), reason=end_reason, output=output)
        return task


def _processed(task: TaskState) -> TaskState:
    from dataclasses import replace

    return replace(task, processed=True)
