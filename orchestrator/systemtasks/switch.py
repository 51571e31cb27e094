"""SWITCH and DECISION: pick a case by a value parameter or a script, then run that case's list.

The SWITCH task itself completes at once with the selected case in its output; what follows it
is the first task of the chosen case (or of the default case). An empty or missing case simply
continues after the SWITCH.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from orchestrator.engine import scripting
from orchestrator.engine.definition import Next, Node
from orchestrator.engine.model import TaskState
from orchestrator.engine.status import TaskStatus

from .base import TaskType, case_string

if TYPE_CHECKING:
    from orchestrator.engine.run import Run

JS_EVALUATORS = ("javascript", "graaljs")


class Switch(TaskType):
    type_name = "SWITCH"

    def start(self, run: Run, task: TaskState, node: Node) -> TaskState:
        try:
            case = self.evaluate_case(node, task.input)
        except (scripting.ScriptError, ValueError) as exc:
            status = TaskStatus.FAILED_WITH_TERMINAL_ERROR
            return run.finish(task, status, {"error": str(exc)}, reason=f"Case evaluation failed: {exc}")
        task = run.put(_with_input(task, case))
        return run.finish(task, TaskStatus.COMPLETED, self.output(case))

    def evaluate_case(self, node: Node, inputs: dict[str, Any] | Any) -> str:
        evaluator = node.get("evaluatorType") or "value-param"
        expression = node.get("expression")
        if evaluator == "value-param":
            return case_string(inputs.get(expression))
        if evaluator in JS_EVALUATORS:
            return case_string(scripting.eval_js(str(expression), inputs))
        raise ValueError(f"unknown evaluatorType '{evaluator}'")

    def output(self, case: str) -> dict[str, Any]:
        return {"evaluationResult": [case], "selectedCase": case}

    def successors(self, run: Run, task: TaskState, node: Node) -> list[Next]:
        nodes = _taken(run, task, node)
        if nodes:
            return [Next(node=nodes[0])]
        return [run.defn.next_after(node.ref)]

    def terminal_node(self, run: Run, task: TaskState, node: Node) -> Node | None:
        # The SWITCH completes before its case runs, so a JOIN on it waits for the case's last
        # task instead (Conductor's Switch.getTerminalTaskRef). A failed SWITCH took no case.
        if not task.status.is_successful:
            return None
        nodes = _taken(run, task, node)
        return nodes[-1] if nodes else None


class Decision(Switch):
    """The deprecated DECISION: `caseValueParam` names an input, or `caseExpression` is a script."""

    type_name = "DECISION"

    def evaluate_case(self, node: Node, inputs: dict[str, Any] | Any) -> str:
        param = node.get("caseValueParam")
        if param:
            return case_string(inputs.get(param))
        return case_string(scripting.eval_js(str(node.get("caseExpression") or ""), inputs))

    def output(self, case: str) -> dict[str, Any]:
        return {"caseOutput": [case]}


def _taken(run: Run, task: TaskState, node: Node) -> tuple[Node, ...]:
    """The nodes of the case this SWITCH/DECISION selected (possibly none)."""
    case = task.input.get("case")
    chosen = case if isinstance(case, str) and run.defn.has_case(node, case) else None
    nodes = run.defn.case_nodes(node, chosen)
    if not nodes and chosen is not None:
        # Conductor's DECISION falls back to the default case when the matched list is empty.
        nodes = run.defn.case_nodes(node, None)
    return nodes


def _with_input(task: TaskState, case: str) -> TaskState:
    from dataclasses import replace

    return replace(task, input={**task.input, "case": case})
