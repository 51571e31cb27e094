"""JSON_JQ_TRANSFORM: run `queryExpression` over the task input with jq (in a killable child)."""

from __future__ import annotations

import re
from typing import Any

from orchestrator.engine.definition import Node
from orchestrator.engine.model import TaskState
from orchestrator.engine.problems import Problem, inputs_of, is_text, join, problem, required, where
from orchestrator.engine.scripts import ScriptError
from orchestrator.engine.status import TaskStatus
from orchestrator.engine.tasktype import RunOps, TaskType

# jq's `$ENV` and `env` expose the server's environment (secrets); `.env` and `{env: 1}` do not.
_JQ_ENV = re.compile(r"\$ENV\b|(?<![\w.$\"])env\b(?!\s*:)")


class JqTransform(TaskType):
    type_name = "JSON_JQ_TRANSFORM"
    retriable = True

    def validate(self, task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
        query = inputs_of(task).get("queryExpression")
        p = join(join(path, "inputParameters"), "queryExpression")
        if not is_text(query):
            return [required("WF.E045", p, "the jq program, as a non-empty string", ref, query)]
        if _JQ_ENV.search(query):
            msg = f"{where(p)} must not use $ENV or env: jq would expose the server's environment."
            return [problem("WF.E046", p, msg, ref, query)]
        return []

    def start(self, run: RunOps, task: TaskState, node: Node) -> TaskState:
        # Conductor's JsonJqTransform ends every failure (missing query, bad query, runtime
        # error) as plain FAILED with the message in `error` (CONDUCTOR.md §4); the sandbox's
        # terminal flag does not change the task status here.
        query = task.input.get("queryExpression")
        if not isinstance(query, str) or not query.strip():
            reason = "inputParameters.queryExpression must be a non-empty jq program"
            return run.finish(task, TaskStatus.FAILED, {"error": reason}, reason)
        try:
            results = run.scripts.eval_jq(query, dict(task.input))
        except ScriptError as exc:
            return run.finish(task, TaskStatus.FAILED, {"error": str(exc)}, reason=str(exc))
        output = {"result": results[0] if results else None, "resultList": results}
        return run.finish(task, TaskStatus.COMPLETED, output)
