"""SWITCH and DECISION: pick a case by a value parameter or a script, then run that case's list.

The SWITCH task itself completes at once with the selected case in its output; what follows it
is the first task of the chosen case (or of the default case). An empty or missing case simply
continues after the SWITCH.
"""

from __future__ import annotations

from typing import Any

from orchestrator.engine.definition import CASE, Next, Node
from orchestrator.engine.model import TaskState
from orchestrator.engine.problems import (
    Problem,
    check_enum,
    inputs_of,
    is_text,
    join,
    must,
    problem,
    required,
    shown,
    where,
)
from orchestrator.engine.scripts import ScriptError, Scripts
from orchestrator.engine.status import TaskStatus
from orchestrator.engine.tasktype import RunOps, RunView, TaskType

JS_EVALUATORS = ("javascript", "graaljs")
SWITCH_EVALUATORS = ("value-param", *JS_EVALUATORS)


class Switch(TaskType):
    type_name = "SWITCH"
    nests = CASE
    is_container = True

    def validate(self, task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
        out = check_enum(task, "evaluatorType", path, "WF.E025", SWITCH_EVALUATORS, ref)
        evaluator, expression = task.get("evaluatorType"), task.get("expression")
        if evaluator is None:
            out.append(required("WF.E025", join(path, "evaluatorType"), "one of " + ", ".join(SWITCH_EVALUATORS), ref))
        p = join(path, "expression")
        if not is_text(expression):
            what = "a non-empty string: an input parameter name (value-param) or a script"
            out.append(must("WF.E026", p, what, ref, expression))
        elif evaluator == "value-param" and expression not in inputs_of(task):
            msg = f"{where(p)} {shown(expression)} must name a key of {where(path)}.inputParameters (value-param)."
            out.append(problem("WF.E028", p, msg, ref, expression))
        return out + _check_cases(task, path, ref, required_cases=True)

    def nested(self, task: dict[str, Any], path: str) -> list[tuple[Any, str]]:
        found: list[tuple[Any, str]] = []
        cases = task.get("decisionCases")
        if isinstance(cases, dict):
            found += [(v, join(join(path, "decisionCases"), k)) for k, v in cases.items()]
        found.append((task.get("defaultCase"), join(path, "defaultCase")))
        return found

    def start(self, run: RunOps, task: TaskState, node: Node) -> TaskState:
        try:
            case = self.evaluate_case(run.scripts, node, task.input)
        except (ScriptError, ValueError) as exc:
            status = TaskStatus.FAILED_WITH_TERMINAL_ERROR
            return run.finish(task, status, {"error": str(exc)}, reason=f"Case evaluation failed: {exc}")
        task = run.put(_with_input(task, case))
        return run.finish(task, TaskStatus.COMPLETED, self.output(case))

    def evaluate_case(self, scripts: Scripts, node: Node, inputs: Any) -> str:
        evaluator = node.get("evaluatorType") or "value-param"
        expression = node.get("expression")
        if evaluator == "value-param":
            return case_string(inputs.get(expression))
        if evaluator in JS_EVALUATORS:
            return case_string(scripts.eval_js(str(expression), inputs))
        raise ValueError(f"unknown evaluatorType '{evaluator}'")

    def output(self, case: str) -> dict[str, Any]:
        return {"evaluationResult": [case], "selectedCase": case}

    def successors(self, run: RunOps, task: TaskState, node: Node) -> list[Next]:
        nodes = _taken(run, task, node)
        if nodes:
            return [Next(node=nodes[0])]
        return [run.defn.next_after(node.ref)]

    def terminal_node(self, run: RunView, task: TaskState, node: Node) -> Node | None:
        # The SWITCH completes before its case runs, so a JOIN on it waits for the case's last
        # task instead (Conductor's Switch.getTerminalTaskRef). A failed SWITCH took no case.
        if not task.status.is_successful:
            return None
        nodes = _taken(run, task, node)
        return nodes[-1] if nodes else None


class Decision(Switch):
    """The deprecated DECISION: `caseValueParam` names an input, or `caseExpression` is a script."""

    type_name = "DECISION"

    def validate(self, task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
        out: list[Problem] = []
        if not (is_text(task.get("caseValueParam")) or is_text(task.get("caseExpression"))):
            what = "a DECISION needs caseValueParam or caseExpression"
            out.append(required("WF.E029", join(path, "caseValueParam"), what, ref))
        return out + _check_cases(task, path, ref, required_cases=False)

    def evaluate_case(self, scripts: Scripts, node: Node, inputs: Any) -> str:
        param = node.get("caseValueParam")
        if param:
            return case_string(inputs.get(param))
        return case_string(scripts.eval_js(str(node.get("caseExpression") or ""), inputs))

    def output(self, case: str) -> dict[str, Any]:
        return {"caseOutput": [case]}


def _check_cases(task: dict[str, Any], path: str, ref: str | None, required_cases: bool) -> list[Problem]:
    out: list[Problem] = []
    cases = task.get("decisionCases")
    p = join(path, "decisionCases")
    if not isinstance(cases, dict) or (required_cases and not cases):
        if cases is not None or required_cases:
            out.append(must("WF.E027", p, "a non-empty object mapping case values to task lists", ref, cases))
    else:
        out += [
            must("WF.E027", join(p, k), "a list of tasks", ref, v) for k, v in cases.items() if not isinstance(v, list)
        ]
    default = task.get("defaultCase")
    if default is not None and not isinstance(default, list):
        out.append(must("WF.E027", join(path, "defaultCase"), "a list of tasks", ref, default))
    return out


def _taken(run: RunView, task: TaskState, node: Node) -> tuple[Node, ...]:
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


def case_string(value: Any) -> str:
    """Conductor compares case keys as Java's String.valueOf of the evaluated value."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"
    return str(value)
