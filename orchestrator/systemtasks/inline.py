"""INLINE (and the deprecated LAMBDA): evaluate a sandboxed script with `$` bound to the input."""

from __future__ import annotations

from typing import Any

from orchestrator.engine.definition import Node
from orchestrator.engine.model import TaskState
from orchestrator.engine.problems import Problem, check_enum, inputs_of, is_dynamic, is_text, join, required
from orchestrator.engine.scripts import ScriptError
from orchestrator.engine.status import TaskStatus
from orchestrator.engine.tasktype import RunOps, TaskType

JS_EVALUATORS = ("javascript", "graaljs")


class Inline(TaskType):
    type_name = "INLINE"
    retriable = True
    script_key = "expression"

    def validate(self, task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
        inputs = inputs_of(task)
        ip = join(path, "inputParameters")
        out: list[Problem] = []
        if not is_text(inputs.get("expression")):
            what = "the script to evaluate, as a non-empty string"
            out.append(required("WF.E042", join(ip, "expression"), what, ref, inputs.get("expression")))
        if not is_dynamic(inputs.get("evaluatorType")):
            out += check_enum(inputs, "evaluatorType", ip, "WF.E043", JS_EVALUATORS, ref)
        return out

    def start(self, run: RunOps, task: TaskState, node: Node) -> TaskState:
        evaluator = task.input.get("evaluatorType") or "javascript"
        if self.script_key == "expression" and evaluator not in JS_EVALUATORS:
            reason = f"evaluatorType '{evaluator}' is not supported; use javascript or graaljs"
            return run.finish(task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, {"error": reason}, reason)
        script = task.input.get(self.script_key)
        if not isinstance(script, str) or not script.strip():
            reason = f"inputParameters.{self.script_key} must be a non-empty script"
            return run.finish(task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, {"error": reason}, reason)
        try:
            result = run.scripts.eval_js(self.program(script), task.input)
        except ScriptError as exc:
            status = TaskStatus.FAILED_WITH_TERMINAL_ERROR if exc.terminal else TaskStatus.FAILED
            return run.finish(task, status, {"error": str(exc)}, reason=str(exc))
        return run.finish(task, TaskStatus.COMPLETED, {"result": result})

    def program(self, script: str) -> str:
        return script


class Lambda(Inline):
    type_name = "LAMBDA"
    script_key = "scriptExpression"

    def validate(self, task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
        script = inputs_of(task).get("scriptExpression")
        p = join(join(path, "inputParameters"), "scriptExpression")
        return [] if is_text(script) else [required("WF.E044", p, "the script, as a non-empty string", ref, script)]

    def program(self, script: str) -> str:
        # Conductor's Lambda runs `function scriptFun(){<script>} scriptFun();`: the script is a
        # function body whose `return` gives the result. The newline keeps a trailing `//`
        # comment from swallowing the closing brace.
        return f"function scriptFun(){{{script}\n}} scriptFun();"
