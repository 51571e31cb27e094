"""The `Problem` value, field helpers, and the type-specific checks of one WorkflowTask.

Split out of `validation.py` (which walks the tree and owns the common and cross-node checks) to
keep both modules small. Pure stdlib. Every function returns problems and never raises, whatever
the shape of its input. Ids and their meaning are listed in docs/validation.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeGuard

# fmt: off
KNOWN_TYPES: tuple[str, ...] = (
    "SIMPLE", "SWITCH", "DECISION", "FORK_JOIN", "JOIN", "FORK_JOIN_DYNAMIC", "DO_WHILE", "SUB_WORKFLOW",
    "START_WORKFLOW", "DYNAMIC", "INLINE", "LAMBDA", "JSON_JQ_TRANSFORM", "SET_VARIABLE", "TERMINATE",
    "WAIT", "HUMAN", "HTTP", "EVENT", "NOOP", "EXCLUSIVE_JOIN", "KAFKA_PUBLISH", "USER_DEFINED",
)
# fmt: on
FORK_TYPES = ("FORK_JOIN", "FORK_JOIN_DYNAMIC")
SWITCH_EVALUATORS = ("value-param", "javascript", "graaljs")
SCRIPT_EVALUATORS = ("javascript", "graaljs")
TERMINATION_STATUSES = ("COMPLETED", "FAILED", "TERMINATED")

_NO_VALUE: Any = object()
_PATH_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# jq's `$ENV` and `env` expose the server's environment (secrets); `.env` and `{env: 1}` do not.
_JQ_ENV = re.compile(r"\$ENV\b|(?<![\w.$\"])env\b(?!\s*:)")
_DURATION_PART = re.compile(r"([0-9]+)\s*([A-Za-z]+)\s*")
_DURATION_UNITS = {
    **dict.fromkeys(("d", "day", "days"), 0),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 1),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 2),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 3),
}


@dataclass(frozen=True)
class Problem:
    """One validation error, located by a JSON path into the submitted document."""

    id: str  # stable, e.g. "WF.E001"
    path: str  # e.g. "$.tasks[2].decisionCases.yes[0].taskReferenceName"
    message: str
    ref: str | None = None  # taskReferenceName of the task concerned (the editor marks that node)
    invalid_value: Any = field(default=_NO_VALUE, repr=False)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "path": self.path, "message": self.message, "ref": self.ref}
        if self.invalid_value is not _NO_VALUE:
            out["invalidValue"] = self.invalid_value
        return out


def problem(pid: str, path: str, message: str, ref: str | None = None, value: Any = _NO_VALUE) -> Problem:
    """Build a Problem; `value` is kept only when it is a JSON scalar that is safe to echo back."""
    return Problem(pid, path, message, ref, _echoable(value))


def _echoable(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if -(2**63) <= value < 2**63 else _NO_VALUE
    if isinstance(value, float):
        return value if math.isfinite(value) else _NO_VALUE
    if isinstance(value, str):
        return value if len(value) <= 200 else value[:200] + "..."
    return _NO_VALUE


def shown(value: Any) -> str:
    """A short, safe rendering of any value for a message (never a deep repr)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if abs(value) < 10**18 else "a very large integer"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def join(path: str, key: Any) -> str:
    """Extend a JSON path by an object key or a list index."""
    if is_int(key) and abs(key) < 10**18:
        return f"{path}[{key}]"
    text = key if isinstance(key, str) else shown(key)
    if _PATH_KEY.fullmatch(text):
        return f"{path}.{text}"
    return "{}['{}']".format(path, text.replace("\\", "\\\\").replace("'", "\\'"))


def where(path: str) -> str:
    """The path as used at the start of a message: `tasks[0].name` rather than `$.tasks[0].name`."""
    return path.removeprefix("$.")


def is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def is_text(value: Any) -> TypeGuard[str]:
    """A non-empty, not whitespace-only string."""
    return isinstance(value, str) and value.strip() != ""


def is_dynamic(value: Any) -> bool:
    """A string holding a `${...}` expression: its value is only known at run time."""
    return isinstance(value, str) and "${" in value


Check = Callable[[dict[str, Any], str, str | None], list[Problem]]


def must(pid: str, path: str, what: str, ref: str | None, value: Any, required: bool = False) -> Problem:
    """`<path> must be <what> (got <value>).`, or `<path> is required and must be <what>.` when missing."""
    if required and value is None:
        return problem(pid, path, f"{where(path)} is required and must be {what}.", ref, value)
    return problem(pid, path, f"{where(path)} must be {what} (got {shown(value)}).", ref, value)


def _required(pid: str, path: str, what: str, ref: str | None, value: Any = _NO_VALUE) -> Problem:
    return problem(pid, path, f"{where(path)} is required: {what}.", ref, value)


def check_int(
    obj: dict[str, Any], key: str, path: str, pid: str, ref: str | None = None, minimum: int = 0
) -> list[Problem]:
    """`obj[key]`, when present and not null, must be an integer >= minimum (booleans are not)."""
    value = obj.get(key)
    if value is None or (is_int(value) and value >= minimum):
        return []
    return [must(pid, join(path, key), f"an integer >= {minimum}", ref, value)]


def check_bool(obj: dict[str, Any], key: str, path: str, pid: str, ref: str | None = None) -> list[Problem]:
    value = obj.get(key)
    if value is None or isinstance(value, bool):
        return []
    return [must(pid, join(path, key), "true or false", ref, value)]


def check_enum(
    obj: dict[str, Any], key: str, path: str, pid: str, allowed: tuple[str, ...], ref: str | None = None
) -> list[Problem]:
    value = obj.get(key)
    if value is None or (isinstance(value, str) and value in allowed):
        return []
    return [must(pid, join(path, key), "one of " + ", ".join(allowed), ref, value)]


def check_object(obj: dict[str, Any], key: str, path: str, pid: str, ref: str | None = None) -> list[Problem]:
    value = obj.get(key)
    if value is None or isinstance(value, dict):
        return []
    return [must(pid, join(path, key), "a JSON object", ref, value)]


def _inputs(task: dict[str, Any]) -> dict[str, Any]:
    params = task.get("inputParameters")
    return params if isinstance(params, dict) else {}


def task_type(task: dict[str, Any]) -> str:
    """The node's type (SIMPLE when absent), or "" when it is not a known type."""
    value = task.get("type")
    if value is None:
        return "SIMPLE"
    return value if isinstance(value, str) and value in KNOWN_TYPES else ""


# --- one check per type: (task, path, ref) -> problems ----------------------------------------


def _check_cases(task: dict[str, Any], path: str, ref: str | None, required: bool) -> list[Problem]:
    out: list[Problem] = []
    cases = task.get("decisionCases")
    p = join(path, "decisionCases")
    if not isinstance(cases, dict) or (required and not cases):
        if cases is not None or required:
            out.append(must("WF.E027", p, "a non-empty object mapping case values to task lists", ref, cases))
    else:
        out += [
            must("WF.E027", join(p, k), "a list of tasks", ref, v) for k, v in cases.items() if not isinstance(v, list)
        ]
    default = task.get("defaultCase")
    if default is not None and not isinstance(default, list):
        out.append(must("WF.E027", join(path, "defaultCase"), "a list of tasks", ref, default))
    return out


def _switch(task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
    out = check_enum(task, "evaluatorType", path, "WF.E025", SWITCH_EVALUATORS, ref)
    evaluator, expression = task.get("evaluatorType"), task.get("expression")
    if evaluator is None:
        out.append(_required("WF.E025", join(path, "evaluatorType"), "one of " + ", ".join(SWITCH_EVALUATORS), ref))
    p = join(path, "expression")
    if not is_text(expression):
        what = "a non-empty string: an input parameter name (value-param) or a script"
        out.append(must("WF.E026", p, what, ref, expression))
    elif evaluator == "value-param" and expression not in _inputs(task):
        msg = f"{where(p)} {shown(expression)} must name a key of {where(path)}.inputParameters (value-param)."
        out.append(problem("WF.E028", p, msg, ref, expression))
    return out + _check_cases(task, path, ref, required=True)


def _decision(task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
    out: list[Problem] = []
    if not (is_text(task.get("caseValueParam")) or is_text(task.get("caseExpression"))):
        what = "a DECISION needs caseValueParam or caseExpression"
        out.append(_required("WF.E029", join(path, "caseValueParam"), what, ref))
    return out + _check_cases(task, path, ref, required=False)


def _fork_join(task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
    branches = task.get("forkTasks")
    p = join(path, "forkTasks")
    if not isinstance(branches, list) or not branches:
        return [must("WF.E030", p, "a non-empty list of branches (lists of tasks)", ref, branches)]
    return [
        must("WF.E030", join(p, i), "a non-empty list of tasks", ref, branch)
        for i, branch in enumerate(branches)
        if not isinstance(branch, list) or not branch
    ]


def _join(task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
    join_on = task.get("joinOn")
    p = join(path, "joinOn")
    if join_on is None:
        return []
    if not isinstance(join_on, list):
        return [must("WF.E032", p, "a list of taskReferenceNames", ref, join_on)]
    return [
        must("WF.E032", join(p, i), "a taskReferenceName string", ref, item)
        for i, item in enumerate(join_on)
        if not is_text(item)
    ]


def _fork_join_dynamic(task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
    inputs = _inputs(task)
    if (
        (is_text(task.get("dynamicForkTasksParam")) and is_text(task.get("dynamicForkTasksInputParamName")))
        or is_text(task.get("dynamicForkJoinTasksParam"))
        or (("forkTaskName" in inputs or "forkTaskWorkflow" in inputs) and "forkTaskInputs" in inputs)
    ):
        return []
    what = (
        "dynamicForkTasksParam and dynamicForkTasksInputParamName, or the legacy "
        "dynamicForkJoinTasksParam, or inputParameters forkTaskName and forkTaskInputs"
    )
    return [_required("WF.E035", join(path, "dynamicForkTasksParam"), what, ref)]


def _do_while(task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
    out: list[Problem] = []
    condition = task.get("loopCondition")
    if not (is_text(condition) or (condition is None and task.get("items") is not None)):
        what = "a script string, unless items is given (for-each mode)"
        out.append(_required("WF.E036", join(path, "loopCondition"), what, ref, condition))
    body = task.get("loopOver")
    if not isinstance(body, list) or not body:
        out.append(must("WF.E037", join(path, "loopOver"), "a non-empty list of tasks", ref, body))
    return out


def _named_param(pid: str, key: str, what: str) -> Check:
    def check(task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
        value = task.get(key)
        return [] if is_text(value) else [_required(pid, join(path, key), what, ref, value)]

    return check


def _sub_workflow(task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
    param = task.get("subWorkflowParam")
    p = join(path, "subWorkflowParam")
    if not isinstance(param, dict):
        return [_required("WF.E040", p, "an object with name (or workflowDefinition)", ref, param)]
    inline = param.get("workflowDefinition")
    if is_text(param.get("name")) or isinstance(inline, dict) or is_text(inline):
        return []
    what = "the sub-workflow name (or subWorkflowParam.workflowDefinition)"
    return [_required("WF.E040", join(p, "name"), what, ref, param.get("name"))]


def _start_workflow(task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
    request = _inputs(task).get("startWorkflow")
    p = join(join(path, "inputParameters"), "startWorkflow")
    if is_dynamic(request):
        return []
    if not isinstance(request, dict):
        return [_required("WF.E041", p, "an object {name, version, input, ...}", ref, request)]
    name = request.get("name")
    return [] if is_text(name) else [_required("WF.E041", join(p, "name"), "the workflow to start", ref, name)]


def _inline(task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
    inputs = _inputs(task)
    ip = join(path, "inputParameters")
    out: list[Problem] = []
    if not is_text(inputs.get("expression")):
        what = "the script to evaluate, as a non-empty string"
        out.append(_required("WF.E042", join(ip, "expression"), what, ref, inputs.get("expression")))
    if not is_dynamic(inputs.get("evaluatorType")):
        out += check_enum(inputs, "evaluatorType", ip, "WF.E043", SCRIPT_EVALUATORS, ref)
    return out


def _lambda(task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
    script = _inputs(task).get("scriptExpression")
    p = join(join(path, "inputParameters"), "scriptExpression")
    return [] if is_text(script) else [_required("WF.E044", p, "the script, as a non-empty string", ref, script)]


def _jq(task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
    query = _inputs(task).get("queryExpression")
    p = join(join(path, "inputParameters"), "queryExpression")
    if not is_text(query):
        return [_required("WF.E045", p, "the jq program, as a non-empty string", ref, query)]
    if _JQ_ENV.search(query):
        msg = f"{where(p)} must not use $ENV or env: jq would expose the server's environment."
        return [problem("WF.E046", p, msg, ref, query)]
    return []


def _http(task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
    inputs = _inputs(task)
    request = inputs.get("http_request")
    p = join(join(path, "inputParameters"), "http_request")
    if is_text(inputs.get("uri")) or is_dynamic(request):
        return []
    if not isinstance(request, dict):
        return [_required("WF.E047", p, "an object with uri (or inputParameters.uri)", ref, request)]
    uri = request.get("uri")
    return [] if is_text(uri) else [_required("WF.E047", join(p, "uri"), "the URL to call", ref, uri)]


def valid_duration(text: str) -> bool:
    """Conductor's WAIT duration: `<n> d|h|m|s` parts (long unit names too), in that order."""
    s = text.strip()
    pos, last = 0, -1
    while pos < len(s):
        m = _DURATION_PART.match(s, pos)
        rank = _DURATION_UNITS.get(m.group(2).lower(), -1) if m else -1
        if m is None or rank <= last:
            return False
        last, pos = rank, m.end()
    return last >= 0


def _wait(task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
    inputs = _inputs(task)
    ip = join(path, "inputParameters")
    duration = inputs.get("duration")
    if duration is not None and inputs.get("until") is not None:
        msg = f"{where(ip)} must not set both duration and until; a WAIT uses one or the other."
        return [problem("WF.E048", ip, msg, ref)]
    if duration is None or is_dynamic(duration) or (isinstance(duration, str) and valid_duration(duration)):
        return []
    p = join(ip, "duration")
    msg = f"{where(p)} {shown(duration)} is not a duration; write e.g. '30s', '10m', '2 minutes' or '1d 2h'."
    return [problem("WF.E049", p, msg, ref, duration)]


def _terminate(task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
    inputs = _inputs(task)
    status = inputs.get("terminationStatus")
    ip = join(path, "inputParameters")
    if is_dynamic(status):
        return []
    if status is None:
        what = "one of " + ", ".join(TERMINATION_STATUSES)
        return [_required("WF.E050", join(ip, "terminationStatus"), what, ref)]
    return check_enum(inputs, "terminationStatus", ip, "WF.E050", TERMINATION_STATUSES, ref)


_TYPE_CHECKS: dict[str, Check] = {
    "SWITCH": _switch,
    "DECISION": _decision,
    "FORK_JOIN": _fork_join,
    "JOIN": _join,
    "FORK_JOIN_DYNAMIC": _fork_join_dynamic,
    "DO_WHILE": _do_while,
    "DYNAMIC": _named_param("WF.E039", "dynamicTaskNameParam", "the input parameter holding the task name"),
    "SUB_WORKFLOW": _sub_workflow,
    "START_WORKFLOW": _start_workflow,
    "INLINE": _inline,
    "LAMBDA": _lambda,
    "JSON_JQ_TRANSFORM": _jq,
    "HTTP": _http,
    "WAIT": _wait,
    "TERMINATE": _terminate,
    "EVENT": _named_param("WF.E051", "sink", "the event target, e.g. 'conductor' or 'sqs:queue-name'"),
}


def check_type_fields(task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
    """The type-specific required fields of one WorkflowTask (nothing for types without any)."""
    type_check = _TYPE_CHECKS.get(task_type(task))
    return type_check(task, path, ref) if type_check is not None else []
