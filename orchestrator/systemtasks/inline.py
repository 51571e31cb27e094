"""INLINE (and the deprecated LAMBDA): evaluate a sandboxed script with `$` bound to the input."""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestrator.engine import scripting
from orchestrator.engine.definition import Node
from orchestrator.engine.model import TaskState
from orchestrator.engine.status import TaskStatus

from .base import TaskType

if TYPE_CHECKING:
    from orchestrator.engine.run import Run

JS_EVALUATORS = ("javascript", "graaljs")


class Inline(TaskType):
    type_name = "INLINE"
    retriable = True
    script_key = "expression"

    def start(self, run: Run, task: TaskState, node: Node) -> TaskState:
        evaluator = task.input.get("evaluatorType") or "javascript"
        if self.script_key == "expression" and evaluator not in JS_EVALUATORS:
            reason = f"evaluatorType '{evaluator}' is not supported; use javascript or graaljs"
            return run.finish(task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, {"error": reason}, reason)
        script = task.input.get(self.script_key)
        if not isinstance(script, str) or not script.strip():
            reason = f"inputParameters.{self.script_key} must be a non-empty script"
            return run.finish(task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, {"error": reason}, reason)
        try:
            result = scripting.eval_js(self.program(script), task.input)
        except scripting.ScriptError as exc:
            status = TaskStatus.FAILED_WITH_TERMINAL_ERROR if exc.terminal else TaskStatus.FAILED
            return run.finish(task, status, {"error": str(exc)}, reason=str(exc))
        return run.finish(task, TaskStatus.COMPLETED, {"result": result})

    def program(self, script: str) -> str:
        return script


class Lambda(Inline):
    type_name = "LAMBDA"
    script_key = "scriptExpression"

    def program(self, script: str) -> str:
        # Conductor's Lambda runs `function scriptFun(){<script>} scriptFun();`: the script is a
        # function body whose `return` gives the result. The newline keeps a trailing `//`
        # comment from swallowing the closing brace.
        return f"function scriptFun(){{{script}\n}} scriptFun();"
