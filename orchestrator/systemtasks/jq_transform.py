"""JSON_JQ_TRANSFORM: run `queryExpression` over the task input with jq (in a killable child)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestrator.engine import scripting
from orchestrator.engine.definition import Node
from orchestrator.engine.model import TaskState
from orchestrator.engine.status import TaskStatus

from .base import TaskType

if TYPE_CHECKING:
    from orchestrator.engine.run import Run


class JqTransform(TaskType):
    type_name = "JSON_JQ_TRANSFORM"
    retriable = True

    def start(self, run: Run, task: TaskState, node: Node) -> TaskState:
        # Conductor's JsonJqTransform ends every failure (missing query, bad query, runtime
        # error) as plain FAILED with the message in `error` (CONDUCTOR.md §4); the scripting
        # layer's terminal flag does not change the task status here.
        query = task.input.get("queryExpression")
        if not isinstance(query, str) or not query.strip():
            reason = "inputParameters.queryExpression must be a non-empty jq program"
            return run.finish(task, TaskStatus.FAILED, {"error": reason}, reason)
        try:
            results = scripting.eval_jq(query, dict(task.input))
        except scripting.ScriptError as exc:
            return run.finish(task, TaskStatus.FAILED, {"error": str(exc)}, reason=str(exc))
        output = {"result": results[0] if results else None, "resultList": results}
        return run.finish(task, TaskStatus.COMPLETED, output)
