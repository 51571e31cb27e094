"""HUMAN: waits IN_PROGRESS until someone completes it (task API, update-by-ref, signal, inbox form).

Its inputParameters describe who may decide and with which form (the inbox reads them, see
`orchestrator.humantasks`); they are checked here at registration:

    assignees: ["ann"] | "${workflow.input.approver}"     users (usernames) who may decide
    groups:    ["finance"] | "${...}"                       Django groups whose members may decide
    form:      {"name": "expense", "version": 1}            a registered schema (version optional)
             | {"schema": {...JSON Schema...}, "order": [...], "labels": {...}}
    reasonRequiredOnReject: true (default)     fourEyes: false (default)
    approvals: {"required": 2, "rejectionsToFail": 1}   N-of-M (see orchestrator.humantasks.approvals)
    dueIn / dueAt, priority, escalation, onEscalationExhausted: see `human_timing`
    contextParameters: {"Amount": "${workflow.input.amount}", ...}   label → value shown to the
             approver (resolved like any input; the task page shows these instead of the input)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from orchestrator.engine.definition import Node
from orchestrator.engine.model import TaskState
from orchestrator.engine.problems import Problem, inputs_of, is_dynamic, join, problem, shown, where
from orchestrator.engine.status import TaskStatus
from orchestrator.engine.tasktype import RunOps, TaskType
from orchestrator.schemas.validation import schema_problems

from . import human_timing as timing


def _names(value: Any) -> bool:
    """A list of non-empty strings, a single name, or an expression known only at run time."""
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def _bad(path: str, text: str, ref: str | None) -> Problem:
    return problem("WF.E059", path, f"{where(path)} {text}", ref)


def _is_version(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def _form_problems(form: Any, path: str, ref: str | None) -> list[Problem]:
    if form is None or is_dynamic(form):
        return []
    if not isinstance(form, dict):
        return [_bad(path, "is not a form: give a schema reference {name, version} or {schema: <JSON Schema>}.", ref)]
    out: list[Problem] = []
    if "schema" in form:
        schema, at = form["schema"], join(path, "schema")
        if not isinstance(schema, dict):
            out.append(_bad(at, "is not a JSON Schema object.", ref))
        else:
            for v in schema_problems(schema)[:5]:
                text = f"{where(at)} breaks the JSON Schema meta-schema at {v.path} ({v.rule}): {v.message}"
                out.append(problem("WF.E060", at, text, ref))
    elif not (isinstance(form.get("name"), str) and form["name"] and _is_version(form.get("version"))):
        out.append(_bad(path, "needs a schema reference {name, version} (version an integer, optional) "
                              "or {schema: <JSON Schema>}.", ref))
    order = form.get("order")
    if order is not None and not (isinstance(order, list) and all(isinstance(x, str) for x in order)):
        out.append(_bad(join(path, "order"), "is not a list of field names.", ref))
    labels = form.get("labels")
    if labels is not None and not (isinstance(labels, dict) and all(isinstance(x, str) for x in labels.values())):
        out.append(_bad(join(path, "labels"), "is not an object of field → label text.", ref))
    return out


def _count_ok(value: Any) -> bool:
    return value is None or is_dynamic(value) or (isinstance(value, int) and not isinstance(value, bool) and value >= 1)


def _approvals_problems(spec: Any, assignees: Any, groups: Any, path: str, ref: str | None) -> list[Problem]:
    """`approvals`: an object of positive counts; with only fixed assignees (no groups) there
    must be at least `required` of them, or the task could never complete."""
    if spec is None or is_dynamic(spec):
        return []
    if not isinstance(spec, dict):
        text = f"{where(path)} {shown(spec)} is not an object like {{\"required\": 2, \"rejectionsToFail\": 1}}."
        return [problem("WF.E068", path, text, ref, spec)]
    out: list[Problem] = []
    for key in sorted(set(spec) - {"required", "rejectionsToFail"}):
        p = join(path, key)
        out.append(problem("WF.E068", p, f"{where(p)} is not an approvals key (required, rejectionsToFail).", ref))
    for key in ("required", "rejectionsToFail"):
        if not _count_ok(spec.get(key)):
            p = join(path, key)
            out.append(problem("WF.E068", p, f"{where(p)} {shown(spec[key])} is not a whole number of at least 1.",
                               ref, spec[key]))
    required = spec.get("required")
    fixed = isinstance(assignees, list) and groups is None
    if fixed and isinstance(required, int) and not isinstance(required, bool) and required > len(set(assignees)):
        p = join(path, "required")
        text = (f"{where(p)} asks for {required} approvals from distinct users but only "
                f"{len(set(assignees))} assignee(s) and no groups are named.")
        out.append(problem("WF.E068", p, text, ref, required))
    return out


def _time_problems(inputs: Mapping[str, Any], ip: str, ref: str | None) -> list[Problem]:
    """dueIn/dueAt (WF.E070), priority (WF.E071), escalation (WF.E072), onEscalationExhausted
    (WF.E073); a `${...}` value is known only at run time and passes."""
    out: list[Problem] = []

    def bad(pid: str, p: str, why: str, *value: Any) -> None:
        out.append(problem(pid, p, f"{where(p)} {why}", ref, *value))

    checks: tuple[tuple[str, str, Any], ...] = (
        ("WF.E070", "dueIn", timing.parse_span), ("WF.E070", "dueAt", timing.parse_moment),
        ("WF.E071", "priority", timing.priority_of), ("WF.E073", "onEscalationExhausted", timing.exhausted_of))
    for pid, key, parse in checks:
        value = inputs.get(key)
        if value is None or is_dynamic(value):
            continue
        try:
            parse(value)
        except ValueError as exc:
            text = f"{exc}." if isinstance(value, dict) else f"{shown(value)} {exc}."
            bad(pid, join(ip, key), text, value)
    if inputs.get("dueIn") is not None and inputs.get("dueAt") is not None:
        bad("WF.E070", join(ip, "dueAt"), "and dueIn are both set: give one of them.")
    steps = inputs.get("escalation")
    if steps is not None and not is_dynamic(steps):
        if not isinstance(steps, list) or not steps:
            bad("WF.E072", join(ip, "escalation"), "is not a non-empty list of steps {after, assignees, groups}.")
        else:
            for i, spec in enumerate(steps):
                try:
                    timing.step_of(spec)
                except ValueError as exc:
                    bad("WF.E072", join(join(ip, "escalation"), i), f"{exc}.")
    if inputs.get("onEscalationExhausted") is not None and steps is None:
        bad("WF.E073", join(ip, "onEscalationExhausted"), "is set but there is no escalation to exhaust.")
    return out


def _context_problems(context: Any, path: str, ref: str | None) -> list[Problem]:
    """An object of label → value (usually a `${...}`); a label must say something."""
    if context is None or is_dynamic(context):
        return []
    if not isinstance(context, dict):
        return [problem("WF.E074", path, f"{where(path)} {shown(context)} is not an object of label → value.",
                        ref, context)]
    return [problem("WF.E074", path, f"{where(path)} has an empty label.", ref)
            for label in context if not label.strip()][:1]


class Human(TaskType):
    type_name = "HUMAN"
    retriable = True

    def validate(self, task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
        inputs = inputs_of(task)
        ip = join(path, "inputParameters")
        out: list[Problem] = []
        for key in ("assignees", "groups"):
            value = inputs.get(key)
            if value is not None and not _names(value):
                p = join(ip, key)
                text = f"{where(p)} {shown(value)} is not a list of names or a ${{...}} expression."
                out.append(problem("WF.E058", p, text, ref, value))
        out += _form_problems(inputs.get("form"), join(ip, "form"), ref)
        out += _approvals_problems(inputs.get("approvals"), inputs.get("assignees"), inputs.get("groups"),
                                   join(ip, "approvals"), ref)
        out += _context_problems(inputs.get("contextParameters"), join(ip, "contextParameters"), ref)
        for key in ("reasonRequiredOnReject", "fourEyes"):
            value = inputs.get(key)
            if value is not None and not isinstance(value, bool) and not is_dynamic(value):
                p = join(ip, key)
                out.append(problem("WF.E061", p, f"{where(p)} {shown(value)} is not a boolean.", ref, value))
        return out + _time_problems(inputs, ip, ref)

    def waits_for_signal(self, task_input: Mapping[str, Any]) -> bool:
        return True

    def start(self, run: RunOps, task: TaskState, node: Node) -> TaskState:
        return run.put(replace(task, status=TaskStatus.IN_PROGRESS, start_time=run.now, update_time=run.now))
