"""Static validation of WorkflowDef and TaskDef JSON documents.

Both entry points collect every problem at once and never raise, whatever they are given:
non-objects, wrong types, nulls in lists, self-referencing containers or very deep nesting.
Each problem carries a stable id (`WF.E0xx`, `TD.E0xx`, see docs/validation.md), a severity
(errors refuse the document, warnings do not), the JSON path of the offending value and, when
there is one, the taskReferenceName of the task concerned.

Example:
    problems = errors(check_workflow_def(json.loads(body), REGISTRY))
    if problems:
        return 400, {"validationErrors": [p.as_dict() for p in problems]}

`Problem` and the field helpers live in `problems`; each task type's own checks are its
`validate()`, reached through the `TaskTypes` given. This module walks the task tree, checks the
fields every task has, and owns the checks that span nodes (duplicate refs, FORK/JOIN pairing,
expression references, nesting and size limits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .problems import (
    Problem,
    check_bool,
    check_enum,
    check_int,
    check_object,
    errors,
    is_int,
    is_text,
    join,
    must,
    problem,
    shown,
    where,
)
from .tasktype import TaskType, TaskTypes

__all__ = ["MAX_DEPTH", "MAX_TASKS", "Problem", "check_task_def", "check_workflow_def", "errors"]

MAX_DEPTH = 64  # levels of nested task lists (tasks -> decisionCases -> loopOver -> ...)
MAX_TASKS = 2000  # WorkflowTask nodes in one definition (RELIABILITY.md test 25)
MAX_VALUE_DEPTH = 256  # nesting inside inputParameters/outputParameters that we scan for ${...}

_NAME = re.compile(r"[A-Za-z0-9_.:\-]+")
_ROOT = re.compile(r"\s*([^.\[\s${}]*)")
_REF_FORBIDDEN = re.compile(r"[.${}\s]")
_REF_RESERVED = re.compile(r"__[0-9]+\Z")
_BUILTIN_ROOTS = ("workflow", "CPEWF_TASK_ID")


def check_workflow_def(doc: Any, types: TaskTypes) -> list[Problem]:
    """Every problem in a WorkflowDef JSON document at once (no errors = valid).

    Args:
        doc: the decoded JSON document, of any type.
        types: the task types a definition may use (their own checks included).
    Returns:
        Problems in document order: workflow fields, then tasks, then expression references.
        Warnings among them do not make the document invalid (see `errors`).
    """
    if not isinstance(doc, dict):
        msg = f"A workflow definition must be a JSON object (got {shown(doc)})."
        return [problem("WF.E003", "$", msg, None, doc)]
    out = _check_workflow_fields(doc)
    tasks = doc.get("tasks")
    if not isinstance(tasks, list) or not tasks:
        return [*out, must("WF.E007", "$.tasks", "a non-empty list of tasks", None, tasks, required=True)]
    walker = _Walker(doc.get("name"), doc.get("version", 1), types)
    walker.walk_list(tasks, "$.tasks", 1, in_loop=False)
    out += walker.problems
    known = set(_BUILTIN_ROOTS) | {node.ref for node in walker.nodes if node.ref is not None}
    for node in walker.nodes:
        params = node.task.get("inputParameters")
        if isinstance(params, dict):
            out += _check_references(params, join(node.path, "inputParameters"), known, node.ref)
    if isinstance(doc.get("outputParameters"), dict):
        out += _check_references(doc["outputParameters"], "$.outputParameters", known, None)
    return out


def _check_name(doc: dict[str, Any], missing_id: str, charset_id: str) -> list[Problem]:
    name = doc.get("name")
    if not is_text(name):
        return [must(missing_id, "$.name", "a non-empty string", None, name, required=True)]
    if not _NAME.fullmatch(name):
        msg = f"name {shown(name)} may only contain letters, digits, '_', '-', '.' and ':' (no spaces)."
        return [problem(charset_id, "$.name", msg, None, name)]
    return []


def _check_workflow_fields(doc: dict[str, Any]) -> list[Problem]:
    out = _check_name(doc, "WF.E004", "WF.E005")
    out += check_int(doc, "version", "$", "WF.E006", minimum=1)
    schema = doc.get("schemaVersion")
    if schema is not None and not (is_int(schema) and schema == 2):
        out.append(must("WF.E008", "$.schemaVersion", "2 (version 1 expressions are not supported)", None, schema))
    out += check_int(doc, "timeoutSeconds", "$", "WF.E009")
    out += check_enum(doc, "timeoutPolicy", "$", "WF.E010", ("TIME_OUT_WF", "ALERT_ONLY"))
    params = doc.get("inputParameters")
    if params is not None and not isinstance(params, list):
        out.append(must("WF.E011", "$.inputParameters", "a list of input names", None, params))
    elif isinstance(params, list):
        p = "$.inputParameters"
        out += [
            must("WF.E011", join(p, i), "a string", None, v) for i, v in enumerate(params) if not isinstance(v, str)
        ]
    for key in ("outputParameters", "inputTemplate", "variables"):
        out += check_object(doc, key, "$", "WF.E012")
    out += check_bool(doc, "restartable", "$", "WF.E013")
    failure = doc.get("failureWorkflow")
    if failure is not None and not isinstance(failure, str):
        out.append(must("WF.E014", "$.failureWorkflow", "a workflow name string", None, failure))
    elif is_text(failure) and failure == doc.get("name"):
        msg = f"failureWorkflow {shown(failure)} is this workflow itself; it cannot be its own failure workflow."
        out.append(problem("WF.E015", "$.failureWorkflow", msg, None, failure))
    return out


def _type_of(task: dict[str, Any], types: TaskTypes) -> str:
    """The node's type name (SIMPLE when absent), or "" when it is not a known type."""
    value = task.get("type")
    if value is None:
        return "SIMPLE"
    return value if isinstance(value, str) and types.known(value) else ""


def _check_common(task: dict[str, Any], path: str, ref: str | None, types: TaskTypes) -> list[Problem]:
    """Fields every WorkflowTask has, whatever its type."""
    out: list[Problem] = []
    if not is_text(task.get("name")):
        out.append(must("WF.E017", join(path, "name"), "a non-empty string", ref, task.get("name"), required=True))
    raw_ref = task.get("taskReferenceName")
    p = join(path, "taskReferenceName")
    if not is_text(raw_ref):
        out.append(must("WF.E001", p, "a non-empty string", None, raw_ref, required=True))
    elif _REF_FORBIDDEN.search(raw_ref):
        msg = f"{where(p)} {shown(raw_ref)} must not contain '.', '$', '{{', '}}' or whitespace."
        out.append(problem("WF.E022", p, msg, ref, raw_ref))
    elif _REF_RESERVED.search(raw_ref):
        msg = f"{where(p)} {shown(raw_ref)} must not end with '__' and digits (reserved for loop iterations)."
        out.append(problem("WF.E023", p, msg, ref, raw_ref))
    raw_type = task.get("type")
    if _type_of(task, types) == "":
        p = join(path, "type")
        msg = f"{where(p)} {shown(raw_type)} is not a known task type; use one of {', '.join(types.names())}."
        if isinstance(raw_type, str) and types.known(raw_type.strip().upper()):
            msg += f" Did you mean {raw_type.strip().upper()!r}? Types are case-sensitive."
        out.append(problem("WF.E018", p, msg, ref, raw_type))
    out += check_object(task, "inputParameters", path, "WF.E019", ref)
    for key in ("optional", "permissive", "asyncComplete"):
        out += check_bool(task, key, path, "WF.E020", ref)
    for key in ("startDelay", "retryCount"):
        out += check_int(task, key, path, "WF.E021", ref)
    return out


@dataclass(frozen=True)
class _Node:
    task: dict[str, Any]
    path: str
    ref: str | None
    type: str  # "" when unknown
    kind: TaskType  # what the registry answers for `type` (the worker type when unknown)


@dataclass(frozen=True)
class _Placed:
    """A list item with the slice of `_Walker.nodes` that holds it and its subtree."""

    node: _Node | None  # None when the item was not a usable task object
    start: int
    end: int


class _Walker:
    """Depth-first walk over the task tree, in document order, collecting nodes and problems."""

    def __init__(self, wf_name: Any, wf_version: Any, types: TaskTypes) -> None:
        self.types = types
        self.wf_name = wf_name
        self.wf_version = wf_version
        self.problems: list[Problem] = []
        self.nodes: list[_Node] = []
        self.first_use: dict[str, str] = {}  # ref -> path of its first taskReferenceName
        self.capped = False

    def walk_list(self, items: list[Any], path: str, depth: int, in_loop: bool) -> None:
        if depth > MAX_DEPTH and items:
            msg = f"{where(path)} is nested more than {MAX_DEPTH} levels of tasks deep; use a SUB_WORKFLOW."
            self.problems.append(problem("WF.E024", path, msg))
            return
        placed: list[_Placed] = []
        for i, item in enumerate(items):
            start = len(self.nodes)
            node = self._walk_task(item, join(path, i), depth, in_loop)
            placed.append(_Placed(node, start, len(self.nodes)))
        self._check_fork_join(placed, top_level=depth == 1)

    def _walk_task(self, item: Any, path: str, depth: int, in_loop: bool) -> _Node | None:
        if not isinstance(item, dict):
            self.problems.append(must("WF.E016", path, "a task object", None, item))
            return None
        if len(self.nodes) >= MAX_TASKS:
            if not self.capped:
                self.capped = True
                msg = f"A workflow may hold at most {MAX_TASKS} tasks; {where(path)} is beyond that limit."
                self.problems.append(problem("WF.E054", path, msg))
            return None
        raw_ref = item.get("taskReferenceName")
        name = _type_of(item, self.types)
        node = _Node(item, path, raw_ref if is_text(raw_ref) else None, name, self.types.get(name))
        self.nodes.append(node)
        self.problems += _check_common(item, path, node.ref, self.types)
        if name:
            self.problems += node.kind.validate(item, path, node.ref)
        if node.ref is not None:
            self._check_duplicate(node.ref, join(path, "taskReferenceName"))
        if node.kind.is_loop and in_loop:
            msg = f"{where(path)} is a DO_WHILE inside another DO_WHILE; nested loops are not supported."
            self.problems.append(problem("WF.E038", join(path, "type"), msg, node.ref))
        if node.kind.starts_child_workflow:
            self._check_self_call(node)
        for child_items, child_path in node.kind.nested(item, path) if name else ():
            if isinstance(child_items, list):
                self.walk_list(child_items, child_path, depth + 1, in_loop or node.kind.is_loop)
        return node

    def _check_duplicate(self, ref: str, path: str) -> None:
        first = self.first_use.setdefault(ref, path)
        if first != path:
            msg = f"{where(path)} {shown(ref)} is also used at {first}; taskReferenceName must be unique."
            self.problems.append(problem("WF.E002", path, msg, ref, ref))

    def _check_self_call(self, node: _Node) -> None:
        param = node.task.get("subWorkflowParam")
        if not isinstance(param, dict) or not is_text(param.get("name")) or param.get("name") != self.wf_name:
            return
        version = param.get("version")
        if version is None or (is_int(version) and version == self.wf_version):
            p = join(join(node.path, "subWorkflowParam"), "name")
            msg = f"{where(p)} {shown(self.wf_name)} is this workflow itself; it cannot start itself."
            self.problems.append(problem("WF.E053", p, msg, node.ref, self.wf_name))

    def _check_fork_join(self, placed: list[_Placed], top_level: bool) -> None:
        for i, here in enumerate(placed):
            node = here.node
            after = placed[i + 1].node if i + 1 < len(placed) else None
            if node is None:
                continue
            if node.kind.is_fork and i + 1 == len(placed) and top_level:
                # The SDK's DSL ends a workflow with `>> [[a], [b]]` this way, and Conductor runs
                # it: the workflow completes once every branch has. Nested, what follows the
                # container would start beside the branches, so it stays an error there.
                msg = (f"{where(node.path)} is a {node.type} with no JOIN after it; the workflow completes "
                       "when every branch has, but a JOIN makes that explicit.")
                self.problems.append(problem("WF.E031", node.path, msg, node.ref, severity="warning"))
            elif node.kind.is_fork and (i + 1 == len(placed) or (after is not None and not after.kind.is_join)):
                msg = f"{where(node.path)} is a {node.type}; it must be followed directly by a JOIN task."
                self.problems.append(problem("WF.E031", node.path, msg, node.ref))
            if node.kind.is_join:
                self._check_join(node, placed[i - 1] if i > 0 else None)

    def _check_join(self, node: _Node, before: _Placed | None) -> None:
        fork = before.node if before is not None else None
        if before is not None and fork is None:
            return  # the previous item is already reported as not being a task
        if before is None or fork is None or not fork.kind.is_fork:
            msg = f"{where(node.path)} is a JOIN but does not directly follow a FORK_JOIN or FORK_JOIN_DYNAMIC."
            self.problems.append(problem("WF.E034", node.path, msg, node.ref))
            return
        join_on = node.task.get("joinOn")
        if not fork.kind.nested(fork.task, fork.path) or not isinstance(join_on, list):
            return  # a dynamic fork's branch refs are only known at run time
        inside = {n.ref for n in self.nodes[before.start + 1 : before.end]}
        for i, ref in enumerate(join_on):
            if is_text(ref) and ref not in inside:
                p = join(join(node.path, "joinOn"), i)
                msg = f"{where(p)} {shown(ref)} is not a task inside the branches of the FORK_JOIN at {fork.path}."
                self.problems.append(problem("WF.E033", p, msg, node.ref, ref))


def expressions(text: str) -> list[str]:
    """The bodies of every `${...}` in text, inner ones of nested expressions included."""
    return [text[start:end] for start, end in expression_spans(text)]


def expression_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the body of every `${...}` in text, inner ones first; linear in len(text).

    `$${...}` is an escape for a literal `${...}`, so nothing inside it counts. Unclosed `${` is text.
    """
    found: list[tuple[int, int]] = []
    stack: list[tuple[int, str]] = []  # (body start, kind): kind is "expr", "escape" or "brace"
    escapes = 0
    i, n = 0, len(text)
    while i < n:
        if text.startswith("$${", i):
            stack.append((i + 3, "escape"))
            escapes += 1
            i += 3
            continue
        if text.startswith("${", i):
            stack.append((i + 2, "expr"))
            i += 2
            continue
        if text[i] == "{" and stack:
            stack.append((i + 1, "brace"))
        elif text[i] == "}" and stack:
            start, kind = stack.pop()
            if kind == "escape":
                escapes -= 1
            elif kind == "expr" and escapes == 0:
                found.append((start, i))
        i += 1
    return found


def _check_references(value: Any, path: str, known: set[str], ref: str | None) -> list[Problem]:
    """Every `${name...}` in a JSON value must start with workflow, CPEWF_TASK_ID or a defined ref."""
    out: list[Problem] = []
    seen: set[int] = set()  # container ids: guards against shared or self-referencing containers
    stack: list[tuple[Any, str, int]] = [(value, path, 0)]
    while stack:
        item, p, depth = stack.pop()
        if isinstance(item, str):
            out += _unknown_roots(item, p, known, ref)
        elif isinstance(item, (dict, list)) and depth < MAX_VALUE_DEPTH and id(item) not in seen:
            seen.add(id(item))
            pairs = list(item.items()) if isinstance(item, dict) else list(enumerate(item))
            stack += [(v, join(p, k), depth + 1) for k, v in reversed(pairs)]
    return out


def _unknown_roots(text: str, path: str, known: set[str], ref: str | None) -> list[Problem]:
    if "${" not in text:
        return []
    out: list[Problem] = []
    reported: set[str] = set()
    for start, end in expression_spans(text):
        match = _ROOT.match(text, start, end)
        root, stop = (match.group(1), match.end()) if match else ("", end)
        if stop < end and text[stop] in "${}":
            continue  # the root is computed by a nested expression: nothing to check statically
        if not root or root in known or root in reported:
            continue
        reported.add(root)
        shown_expr = shown("${" + text[start:end] + "}")
        msg = (
            f"{where(path)} refers to {shown_expr}, but no task has taskReferenceName {shown(root)}; "
            "expressions start with workflow, CPEWF_TASK_ID or a taskReferenceName."
        )
        out.append(problem("WF.E052", path, msg, ref, text))
    return out


def check_task_def(doc: Any) -> list[Problem]:
    """Every problem in a TaskDef JSON document (empty list = valid).

    Args:
        doc: the decoded JSON document, of any type.
    Returns:
        Problems in field order.
    """
    if not isinstance(doc, dict):
        return [problem("TD.E001", "$", f"A task definition must be a JSON object (got {shown(doc)}).", None, doc)]
    out = _check_name(doc, "TD.E002", "TD.E003")
    out += check_int(doc, "retryCount", "$", "TD.E004")
    out += check_enum(doc, "retryLogic", "$", "TD.E005", ("FIXED", "EXPONENTIAL_BACKOFF", "LINEAR_BACKOFF"))
    out += check_int(doc, "retryDelaySeconds", "$", "TD.E006")
    out += check_int(doc, "timeoutSeconds", "$", "TD.E007")
    out += check_int(doc, "responseTimeoutSeconds", "$", "TD.E008", minimum=1)
    timeout, response = doc.get("timeoutSeconds"), doc.get("responseTimeoutSeconds")
    if is_int(timeout) and is_int(response) and 0 < timeout < response:
        msg = (
            f"responseTimeoutSeconds ({shown(response)}) must not exceed timeoutSeconds ({shown(timeout)}) "
            "when timeoutSeconds is above 0."
        )
        out.append(problem("TD.E009", "$.responseTimeoutSeconds", msg, None, response))
    out += check_enum(doc, "timeoutPolicy", "$", "TD.E010", ("RETRY", "TIME_OUT_WF", "ALERT_ONLY"))
    out += check_int(doc, "pollTimeoutSeconds", "$", "TD.E011")
    out += check_int(doc, "backoffScaleFactor", "$", "TD.E012", minimum=1)
    for key in ("rateLimitPerFrequency", "rateLimitFrequencyInSeconds", "concurrentExecLimit"):
        out += check_int(doc, key, "$", "TD.E013")
    out += check_object(doc, "inputTemplate", "$", "TD.E014")
    return out
