"""WorkflowDef / TaskDef validation: one test per error id, plus whole-document and garbage tests."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

from orchestrator import systemtasks
from orchestrator.engine import validation
from orchestrator.engine.validation import (
    Problem,
    check_task_def,
    expressions,
)
from orchestrator.systemtasks.registry import REGISTRY
from orchestrator.systemtasks.wait import valid_duration

KNOWN_TYPES = tuple(REGISTRY.names())

DOCS = Path(__file__).resolve().parents[2] / "docs" / "validation.md"


def check_workflow_def(doc: Any) -> list[Problem]:
    return validation.check_workflow_def(doc, REGISTRY)


def wf(*tasks: Any, **extra: Any) -> dict[str, Any]:
    return {"name": "wf", "version": 1, "schemaVersion": 2, "tasks": list(tasks), **extra}


def simple(ref: str, **extra: Any) -> dict[str, Any]:
    return {"name": f"{ref}_def", "taskReferenceName": ref, "type": "SIMPLE", **extra}


def node(type_: str, ref: str, **extra: Any) -> dict[str, Any]:
    return {"name": ref, "taskReferenceName": ref, "type": type_, **extra}


def switch(ref: str, cases: dict[str, Any], default: list[Any] | None = None) -> dict[str, Any]:
    return node(
        "SWITCH",
        ref,
        evaluatorType="value-param",
        expression="switchCaseValue",
        inputParameters={"switchCaseValue": "${workflow.input.kind}"},
        decisionCases=cases,
        defaultCase=default or [],
    )


def fork(ref: str, *branches: list[Any]) -> dict[str, Any]:
    return node("FORK_JOIN", ref, forkTasks=list(branches))


def join_(ref: str, *on: str) -> dict[str, Any]:
    return node("JOIN", ref, joinOn=list(on))


def loop(ref: str, *body: Any) -> dict[str, Any]:
    return node("DO_WHILE", ref, loopCondition=f"$.{ref}['iteration'] < 3", loopOver=list(body))


def pairs(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(p.id, p.path) for p in problems]


def deep_switch(levels: int) -> dict[str, Any]:
    inner: dict[str, Any] = simple("leaf")
    for i in range(levels):
        inner = switch(f"s{i}", {"x": [inner]})
    return wf(inner)


DEPTH = validation.MAX_DEPTH

# --- one case per id: (id, document, path of the single expected problem) ----------------------

WF_CASES: list[tuple[str, Any, str]] = [
    ("WF.E001", wf({"name": "a", "type": "SIMPLE"}), "$.tasks[0].taskReferenceName"),
    (
        "WF.E002",
        wf(simple("a"), switch("s", {"yes": [simple("b"), simple("a")]})),
        "$.tasks[1].decisionCases.yes[1].taskReferenceName",
    ),
    ("WF.E003", ["not", "an", "object"], "$"),
    ("WF.E004", {**wf(simple("a")), "name": "   "}, "$.name"),
    ("WF.E005", {**wf(simple("a")), "name": "my workflow"}, "$.name"),
    ("WF.E006", {**wf(simple("a")), "version": True}, "$.version"),
    ("WF.E007", wf(), "$.tasks"),
    ("WF.E008", wf(simple("a"), schemaVersion=1), "$.schemaVersion"),
    ("WF.E009", wf(simple("a"), timeoutSeconds=-1), "$.timeoutSeconds"),
    ("WF.E010", wf(simple("a"), timeoutPolicy="RETRY"), "$.timeoutPolicy"),
    ("WF.E011", wf(simple("a"), inputParameters=["x", 3]), "$.inputParameters[1]"),
    ("WF.E012", wf(simple("a"), variables=["x"]), "$.variables"),
    ("WF.E013", wf(simple("a"), restartable="yes"), "$.restartable"),
    ("WF.E014", wf(simple("a"), failureWorkflow=5), "$.failureWorkflow"),
    ("WF.E015", wf(simple("a"), failureWorkflow="wf"), "$.failureWorkflow"),
    ("WF.E016", wf(simple("a"), None), "$.tasks[1]"),
    ("WF.E017", wf({"taskReferenceName": "a"}), "$.tasks[0].name"),
    ("WF.E018", wf(node("simple", "a")), "$.tasks[0].type"),
    ("WF.E019", wf(simple("a", inputParameters=["x"])), "$.tasks[0].inputParameters"),
    ("WF.E020", wf(simple("a", optional="true")), "$.tasks[0].optional"),
    ("WF.E021", wf(simple("a", retryCount=-1)), "$.tasks[0].retryCount"),
    ("WF.E022", wf(simple("a.b")), "$.tasks[0].taskReferenceName"),
    ("WF.E023", wf(simple("a__2")), "$.tasks[0].taskReferenceName"),
    ("WF.E024", deep_switch(DEPTH), "$.tasks[0]" + ".decisionCases.x[0]" * (DEPTH - 1) + ".decisionCases.x"),
    ("WF.E025", wf({**switch("s", {"a": []}), "evaluatorType": "python"}), "$.tasks[0].evaluatorType"),
    ("WF.E026", wf({**switch("s", {"a": []}), "expression": " "}), "$.tasks[0].expression"),
    ("WF.E027", wf(switch("s", {"a": {"not": "a list"}})), "$.tasks[0].decisionCases.a"),
    ("WF.E028", wf({**switch("s", {"a": []}), "expression": "missing"}), "$.tasks[0].expression"),
    ("WF.E029", wf(node("DECISION", "d", decisionCases={"a": []})), "$.tasks[0].caseValueParam"),
    ("WF.E030", wf(fork("f", [simple("a")], []), join_("j", "a")), "$.tasks[0].forkTasks[1]"),
    ("WF.E031", wf(fork("f", [simple("a")]), simple("b")), "$.tasks[0]"),
    ("WF.E032", wf(fork("f", [simple("a")]), node("JOIN", "j", joinOn="a")), "$.tasks[1].joinOn"),
    ("WF.E033", wf(simple("b"), fork("f", [simple("a")]), join_("j", "a", "b")), "$.tasks[2].joinOn[1]"),
    ("WF.E034", wf(simple("a"), join_("j", "a")), "$.tasks[1]"),
    ("WF.E035", wf(node("FORK_JOIN_DYNAMIC", "f"), join_("j")), "$.tasks[0].dynamicForkTasksParam"),
    ("WF.E036", wf(node("DO_WHILE", "l", loopOver=[simple("a")])), "$.tasks[0].loopCondition"),
    ("WF.E037", wf(loop("l")), "$.tasks[0].loopOver"),
    (
        "WF.E038",
        wf(loop("outer", switch("s", {"a": [loop("inner", simple("a"))]}))),
        "$.tasks[0].loopOver[0].decisionCases.a[0].type",
    ),
    ("WF.E039", wf(node("DYNAMIC", "d")), "$.tasks[0].dynamicTaskNameParam"),
    (
        "WF.E040",
        wf(node("SUB_WORKFLOW", "s", subWorkflowParam={"version": 1})),
        "$.tasks[0].subWorkflowParam.name",
    ),
    (
        "WF.E041",
        wf(node("START_WORKFLOW", "s", inputParameters={})),
        "$.tasks[0].inputParameters.startWorkflow",
    ),
    (
        "WF.E042",
        wf(node("INLINE", "i", inputParameters={"evaluatorType": "graaljs"})),
        "$.tasks[0].inputParameters.expression",
    ),
    (
        "WF.E043",
        wf(node("INLINE", "i", inputParameters={"evaluatorType": "python", "expression": "1"})),
        "$.tasks[0].inputParameters.evaluatorType",
    ),
    (
        "WF.E044",
        wf(node("LAMBDA", "l", inputParameters={"script": "1"})),
        "$.tasks[0].inputParameters.scriptExpression",
    ),
    (
        "WF.E045",
        wf(node("JSON_JQ_TRANSFORM", "j", inputParameters={"queryExpression": 5})),
        "$.tasks[0].inputParameters.queryExpression",
    ),
    (
        "WF.E046",
        wf(node("JSON_JQ_TRANSFORM", "j", inputParameters={"queryExpression": "$ENV.SECRET"})),
        "$.tasks[0].inputParameters.queryExpression",
    ),
    (
        "WF.E047",
        wf(node("HTTP", "h", inputParameters={"http_request": {"method": "GET"}})),
        "$.tasks[0].inputParameters.http_request.uri",
    ),
    (
        "WF.E048",
        wf(node("WAIT", "w", inputParameters={"duration": "10s", "until": "2030-01-01"})),
        "$.tasks[0].inputParameters",
    ),
    (
        "WF.E049",
        wf(node("WAIT", "w", inputParameters={"duration": "10 parsecs"})),
        "$.tasks[0].inputParameters.duration",
    ),
    (
        "WF.E058",
        wf(node("HUMAN", "h", inputParameters={"assignees": ["ann", 3], "groups": "${workflow.input.g}"})),
        "$.tasks[0].inputParameters.assignees",
    ),
    (
        "WF.E059",
        wf(node("HUMAN", "h", inputParameters={"form": {"version": 1}})),
        "$.tasks[0].inputParameters.form",
    ),
    (
        "WF.E060",
        wf(node("HUMAN", "h", inputParameters={"form": {"schema": {"type": "strnig"}}})),
        "$.tasks[0].inputParameters.form.schema",
    ),
    (
        "WF.E061",
        wf(node("HUMAN", "h", inputParameters={"fourEyes": "yes"})),
        "$.tasks[0].inputParameters.fourEyes",
    ),
    (
        "WF.E068",
        wf(node("HUMAN", "h", inputParameters={"approvals": {"required": 0}})),
        "$.tasks[0].inputParameters.approvals.required",
    ),
    (
        "WF.E070",
        wf(node("HUMAN", "h", inputParameters={"dueIn": "soonish"})),
        "$.tasks[0].inputParameters.dueIn",
    ),
    (
        "WF.E071",
        wf(node("HUMAN", "h", inputParameters={"priority": 11})),
        "$.tasks[0].inputParameters.priority",
    ),
    (
        "WF.E072",
        wf(node("HUMAN", "h", inputParameters={"escalation": [{"after": "PT1H", "groups": ["a"]}, {"after": "1h"}]})),
        "$.tasks[0].inputParameters.escalation[1]",
    ),
    (
        "WF.E073",
        wf(node("HUMAN", "h", inputParameters={"escalation": [{"after": 60, "groups": ["a"]}],
                                               "onEscalationExhausted": {"action": "SKIP"}})),
        "$.tasks[0].inputParameters.onEscalationExhausted",
    ),
    (
        "WF.E074",
        wf(node("HUMAN", "h", inputParameters={"contextParameters": ["${workflow.input.amount}"]})),
        "$.tasks[0].inputParameters.contextParameters",
    ),
    (
        "WF.E050",
        wf(node("TERMINATE", "t", inputParameters={"terminationStatus": "DONE"})),
        "$.tasks[0].inputParameters.terminationStatus",
    ),
    ("WF.E051", wf(node("EVENT", "e")), "$.tasks[0].sink"),
    (
        "WF.E052",
        wf(simple("a", inputParameters={"x": {"y": ["${nonexistent.output.x}"]}})),
        "$.tasks[0].inputParameters.x.y[0]",
    ),
    (
        "WF.E053",
        wf(node("SUB_WORKFLOW", "s", subWorkflowParam={"name": "wf"})),
        "$.tasks[0].subWorkflowParam.name",
    ),
    (
        "WF.E054",
        wf(*[simple(f"t{i}") for i in range(validation.MAX_TASKS + 5)]),
        f"$.tasks[{validation.MAX_TASKS}]",
    ),
]

TD_CASES: list[tuple[str, Any, str]] = [
    ("TD.E001", "greet", "$"),
    ("TD.E002", {"retryCount": 1}, "$.name"),
    ("TD.E003", {"name": "greet them"}, "$.name"),
    ("TD.E004", {"name": "t", "retryCount": -1}, "$.retryCount"),
    ("TD.E005", {"name": "t", "retryLogic": "RANDOM"}, "$.retryLogic"),
    ("TD.E006", {"name": "t", "retryDelaySeconds": -5}, "$.retryDelaySeconds"),
    ("TD.E007", {"name": "t", "timeoutSeconds": 1.5}, "$.timeoutSeconds"),
    ("TD.E008", {"name": "t", "responseTimeoutSeconds": 0}, "$.responseTimeoutSeconds"),
    (
        "TD.E009",
        {"name": "t", "timeoutSeconds": 10, "responseTimeoutSeconds": 20},
        "$.responseTimeoutSeconds",
    ),
    ("TD.E010", {"name": "t", "timeoutPolicy": "NEVER"}, "$.timeoutPolicy"),
    ("TD.E011", {"name": "t", "pollTimeoutSeconds": -1}, "$.pollTimeoutSeconds"),
    ("TD.E012", {"name": "t", "backoffScaleFactor": 0}, "$.backoffScaleFactor"),
    ("TD.E013", {"name": "t", "concurrentExecLimit": "3"}, "$.concurrentExecLimit"),
    ("TD.E014", {"name": "t", "inputTemplate": []}, "$.inputTemplate"),
]


@pytest.mark.parametrize(("pid", "doc", "path"), WF_CASES, ids=[c[0] for c in WF_CASES])
def test_workflow_error_id(pid: str, doc: Any, path: str) -> None:
    assert pairs(check_workflow_def(doc)) == [(pid, path)]


@pytest.mark.parametrize(("pid", "doc", "path"), TD_CASES, ids=[c[0] for c in TD_CASES])
def test_task_def_error_id(pid: str, doc: Any, path: str) -> None:
    assert pairs(check_task_def(doc)) == [(pid, path)]


# The schema-reference checks need the registry (a database), so their ids are tested in the DB tier.
SCHEMA_REFERENCES = Path(__file__).resolve().parents[2] / "orchestrator" / "schemas" / "references.py"
SCHEMA_API_TESTS = Path(__file__).resolve().parents[2] / "tests" / "db_api" / "test_schemas__api.py"
DB_TIER_IDS = ["TD.E015", "TD.E016", "TD.E017", "WF.E055", "WF.E056", "WF.E057"]


def test_every_id_is_tested_and_documented_once() -> None:
    db_tested = SCHEMA_API_TESTS.read_text()
    assert all(f'"{pid}"' in db_tested for pid in DB_TIER_IDS)
    tested = [c[0] for c in WF_CASES + TD_CASES] + DB_TIER_IDS
    assert len(tested) == len(set(tested))
    sources = Path(validation.__file__).read_text() + SCHEMA_REFERENCES.read_text() + "".join(
        p.read_text() for p in Path(systemtasks.__file__).parent.glob("*.py"))
    emitted = set(re.findall(r'"((?:WF|TD)\.E\d{3})"', sources))
    documented = re.findall(r"^\| `((?:WF|TD)\.E\d{3})` \|", DOCS.read_text(), flags=re.MULTILINE)
    assert len(documented) == len(set(documented))
    assert emitted == set(tested) == set(documented)


# --- messages and the shape of a Problem ------------------------------------------------------


def test_duplicate_names_both_locations_and_the_ref() -> None:
    doc = wf(simple("a"), fork("f", [simple("b")], [loop("l", simple("a"))]), join_("j", "b", "l"))
    (dup,) = check_workflow_def(doc)
    assert dup.id == "WF.E002" and dup.ref == "a"
    assert dup.path == "$.tasks[1].forkTasks[1][0].loopOver[0].taskReferenceName"
    assert "tasks[1].forkTasks[1][0].loopOver[0].taskReferenceName 'a'" in dup.message
    assert "$.tasks[0].taskReferenceName" in dup.message


def test_each_extra_duplicate_is_reported_against_the_first() -> None:
    problems = check_workflow_def(wf(simple("a"), simple("a"), simple("a")))
    assert pairs(problems) == [
        ("WF.E002", "$.tasks[1].taskReferenceName"),
        ("WF.E002", "$.tasks[2].taskReferenceName"),
    ]
    assert all("$.tasks[0].taskReferenceName" in p.message for p in problems)


def test_problem_as_dict() -> None:
    (p,) = check_workflow_def(wf(simple("a", retryCount=-1)))
    assert p.as_dict() == {
        "id": "WF.E021",
        "path": "$.tasks[0].retryCount",
        "message": "tasks[0].retryCount must be an integer >= 0 (got -1).",
        "ref": "a",
        "severity": "error",
        "invalidValue": -1,
    }
    (q,) = check_workflow_def(wf(simple("a", inputParameters=["x"])))
    assert "invalidValue" not in q.as_dict()  # containers are not echoed back


def test_unknown_type_lists_known_types_and_hints_at_case() -> None:
    (p,) = check_workflow_def(wf(node("simple", "a")))
    assert all(t in p.message for t in KNOWN_TYPES)
    assert "Did you mean 'SIMPLE'?" in p.message


def test_missing_required_field_message() -> None:
    (p,) = check_workflow_def(wf({"name": "x"}))
    assert p.message == "tasks[0].taskReferenceName is required and must be a non-empty string."


def test_path_quotes_keys_that_are_not_identifiers() -> None:
    doc = wf(switch("s", {"a b": "nope", "1": []}))
    assert pairs(check_workflow_def(doc)) == [("WF.E027", "$.tasks[0].decisionCases['a b']")]


# --- specific rules ---------------------------------------------------------------------------


@pytest.mark.parametrize("ref", ["a b", "a$", "a{b", "x}", "a\tb"])
def test_ref_forbidden_characters(ref: str) -> None:
    assert [p.id for p in check_workflow_def(wf(simple(ref)))] == ["WF.E022"]


@pytest.mark.parametrize("ref", ["a__", "a__b", "__1a", "a_1"])
def test_ref_allowed_when_not_a_loop_suffix(ref: str) -> None:
    assert check_workflow_def(wf(simple(ref))) == []


@pytest.mark.parametrize("query", ["$ENV", "$ENV.HOME", "env", "env.PATH", ".a | env | keys", '"\\($ENV.X)"'])
def test_jq_env_access_rejected(query: str) -> None:
    doc = wf(node("JSON_JQ_TRANSFORM", "j", inputParameters={"queryExpression": query}))
    assert [p.id for p in check_workflow_def(doc)] == ["WF.E046"]


@pytest.mark.parametrize("query", [".env", ".a.env", "$env", ".environment", ".x | keys", '.["env"]'])
def test_jq_field_called_env_allowed(query: str) -> None:
    doc = wf(node("JSON_JQ_TRANSFORM", "j", inputParameters={"queryExpression": query}))
    assert check_workflow_def(doc) == []


@pytest.mark.parametrize("text", ["10s", "2 minutes", "1d 2h", "30m", "1d2h3m4s", " 5 hours ", "1 day 1 sec"])
def test_valid_durations(text: str) -> None:
    assert valid_duration(text)


@pytest.mark.parametrize(
    "text", ["", "  ", "10", "s", "2h 1d", "1h 1h", "10 parsecs", "-5s", "1.5h", " " * 10_000 + "x"]
)
def test_invalid_durations(text: str) -> None:
    assert not valid_duration(text)


def test_wait_duration_expression_and_number() -> None:
    dynamic = wf(node("WAIT", "w", inputParameters={"duration": "${workflow.input.d}"}))
    assert check_workflow_def(dynamic) == []
    number = wf(node("WAIT", "w", inputParameters={"duration": 10}))
    assert [p.id for p in check_workflow_def(number)] == ["WF.E049"]


def test_expression_scanner() -> None:
    assert expressions("${a.b} x ${c}") == ["a.b", "c"]
    assert expressions("${workflow.input.${workflow.input.key}}") == [
        "workflow.input.key",
        "workflow.input.${workflow.input.key}",
    ]
    assert expressions("$${escaped.x} and ${real.y}") == ["real.y"]
    assert expressions("$${outer.${inner}}") == []
    assert expressions("${unclosed") == []
    assert expressions("function f() { return 1; } ${t.output}") == ["t.output"]
    assert expressions("${a.b[?(@.c == {})]}") == ["a.b[?(@.c == {})]"]


def test_references_accept_workflow_task_id_and_any_defined_ref() -> None:
    doc = wf(
        simple("a", inputParameters={"w": "${workflow.input.x}", "id": "${CPEWF_TASK_ID}", "late": "${b.output}"}),
        loop("l", simple("b", inputParameters={"prev": "${b.output.n} of ${l.output.iteration}"})),
        outputParameters={
            "r": "${a.output.result}",
            "esc": "$${nothing.here}",
            "dyn": "${${workflow.input.k}.output}",
        },
    )
    assert check_workflow_def(doc) == []


def test_reference_in_workflow_output_and_default_case() -> None:
    doc = wf(
        switch("s", {"a": [simple("a")]}, [simple("d", inputParameters={"x": "${ghost.output}"})]),
        outputParameters={"y": "pre ${phantom.output.y} post"},
    )
    problems = check_workflow_def(doc)
    assert pairs(problems) == [
        ("WF.E052", "$.tasks[0].defaultCase[0].inputParameters.x"),
        ("WF.E052", "$.outputParameters.y"),
    ]
    assert problems[0].ref == "d" and problems[1].ref is None
    assert "'${ghost.output}'" in problems[0].message and "'ghost'" in problems[0].message


def test_loop_condition_refs_are_not_checked() -> None:
    doc = wf(node("DO_WHILE", "l", loopCondition="$.nowhere.output.more", loopOver=[simple("a")]))
    assert check_workflow_def(doc) == []


def test_join_on_refs_deep_inside_fork_branches() -> None:
    doc = wf(
        fork("f", [switch("s", {"x": [simple("deep")]})], [loop("l", simple("body"))]),
        join_("j", "deep", "body", "l", "s"),
    )
    assert check_workflow_def(doc) == []


def test_join_after_dynamic_fork_is_not_checked_against_branches() -> None:
    dyn = node("FORK_JOIN_DYNAMIC", "f", dynamicForkTasksParam="tasks", dynamicForkTasksInputParamName="inputs")
    assert check_workflow_def(wf(dyn, join_("j", "anything"))) == []


def test_dynamic_fork_accepted_forms() -> None:
    legacy = node("FORK_JOIN_DYNAMIC", "f", dynamicForkJoinTasksParam="dynamicTasks")
    simple_form = node("FORK_JOIN_DYNAMIC", "f", inputParameters={"forkTaskName": "w", "forkTaskInputs": []})
    for task in (legacy, simple_form):
        assert check_workflow_def(wf(task, join_("j"))) == []
    assert [p.id for p in check_workflow_def(wf(legacy))] == ["WF.E031"]


def test_sub_workflow_of_another_version_is_not_a_cycle() -> None:
    other = node("SUB_WORKFLOW", "s", subWorkflowParam={"name": "wf", "version": 2})
    assert check_workflow_def(wf(other)) == []
    inline = node("SUB_WORKFLOW", "s", subWorkflowParam={"workflowDefinition": {"name": "child", "tasks": []}})
    assert check_workflow_def(wf(inline)) == []


def test_nesting_at_the_limit_is_fine() -> None:
    assert check_workflow_def(deep_switch(validation.MAX_DEPTH - 1)) == []


def test_null_optional_fields_count_as_absent() -> None:
    doc = wf(simple("a", inputParameters=None, optional=None, retryCount=None), version=None, variables=None)
    assert check_workflow_def(doc) == []
    sdk = {"name": "greet", "enforceSchema": False, "pollTimeoutSeconds": None, "concurrentExecLimit": None}
    assert check_task_def(sdk) == []


def test_full_task_def_is_valid() -> None:
    doc = {
        "name": "charge_card",
        "retryCount": 3,
        "retryLogic": "LINEAR_BACKOFF",
        "retryDelaySeconds": 5,
        "timeoutSeconds": 600,
        "responseTimeoutSeconds": 60,
        "timeoutPolicy": "RETRY",
        "pollTimeoutSeconds": 30,
        "backoffScaleFactor": 2,
        "rateLimitPerFrequency": 10,
        "rateLimitFrequencyInSeconds": 1,
        "concurrentExecLimit": 4,
        "inputTemplate": {"currency": "EUR"},
        "ownerEmail": "a@b.c",
        "description": "d",
    }
    assert check_task_def(doc) == []


# --- whole documents --------------------------------------------------------------------------


def big_valid_definition() -> dict[str, Any]:
    http = node(
        "HTTP",
        "call",
        inputParameters={"http_request": {"uri": "https://x.test/${workflow.input.id}", "method": "GET"}},
    )
    inline = node(
        "INLINE",
        "calc",
        inputParameters={
            "evaluatorType": "graaljs",
            "expression": "$.a + 1",
            "a": "${call.output.response.body.n}",
        },
    )
    jq = node(
        "JSON_JQ_TRANSFORM",
        "shape",
        inputParameters={"queryExpression": ".in | {env: .x}", "in": "${calc.output.result}"},
    )
    js_switch = node(
        "SWITCH",
        "route",
        evaluatorType="graaljs",
        expression="$.n > 1 ? 'big' : 'small'",
        inputParameters={"n": "${calc.output.result}"},
        decisionCases={
            "big": [fork("fan", [http, inline], [jq]), join_("fan_join", "calc", "shape")],
            "small": [
                node(
                    "DECISION",
                    "legacy",
                    caseValueParam="k",
                    inputParameters={"k": "1"},
                    decisionCases={"1": [node("NOOP", "nop")]},
                )
            ],
        },
        defaultCase=[node("TERMINATE", "stop", inputParameters={"terminationStatus": "FAILED"})],
    )
    body = [
        node("SET_VARIABLE", "setv", inputParameters={"count": "${workflow.variables.count}"}),
        js_switch,
        node("WAIT", "pause", inputParameters={"duration": "1d 2h"}),
        node("LAMBDA", "lam", inputParameters={"scriptExpression": "return 1;"}),
    ]
    return wf(
        simple("start", inputParameters={"id": "${workflow.input.id}", "t": "${CPEWF_TASK_ID}"}),
        switch(
            "kind",
            {"a": [node("USER_DEFINED", "custom")], "b": [node("HUMAN", "approve")]},
            [node("YIELD", "parked")],
        ),
        loop("repeat", *body),
        node(
            "FORK_JOIN_DYNAMIC",
            "dyn",
            dynamicForkTasksParam="ts",
            dynamicForkTasksInputParamName="ins",
            inputParameters={"ts": "${start.output.tasks}", "ins": "${start.output.inputs}"},
        ),
        join_("dyn_join"),
        node(
            "SUB_WORKFLOW",
            "child",
            subWorkflowParam={"name": "child_wf", "version": 1},
            inputParameters={"x": "${repeat.output.iteration}"},
        ),
        node("START_WORKFLOW", "spawn", inputParameters={"startWorkflow": {"name": "other", "input": {}}}),
        node("DYNAMIC", "dyn_task", dynamicTaskNameParam="which", inputParameters={"which": "send_email"}),
        node("EVENT", "emit", sink="conductor:events"),
        node("EXCLUSIVE_JOIN", "ex", joinOn=["custom", "approve"]),
        description="every operator, nested",
        ownerEmail="ops@example.com",
        timeoutSeconds=3600,
        timeoutPolicy="TIME_OUT_WF",
        inputParameters=["id"],
        restartable=True,
        failureWorkflow="cleanup",
        inputTemplate={"id": 0},
        variables={"count": 0},
        enforceSchema=False,
        outputParameters={"answer": "${calc.output.result}", "child": "${child.output}"},
    )


def test_big_valid_definition_has_no_problems() -> None:
    doc = big_valid_definition()
    assert check_workflow_def(doc) == []
    used = set(re.findall(r'"type": "([A-Z_]+)"', json.dumps(doc)))
    assert used == set(KNOWN_TYPES)


def test_all_wrong_document_reports_everything_at_once() -> None:
    doc = {
        "name": "bad name",
        "version": 0,
        "schemaVersion": 1,
        "timeoutSeconds": "soon",
        "timeoutPolicy": "X",
        "inputParameters": "id",
        "outputParameters": [],
        "restartable": 1,
        "failureWorkflow": ["x"],
        "tasks": [
            {"type": "SWITCH", "taskReferenceName": "s$", "optional": "no", "retryCount": True},
            None,
            {"name": "f", "taskReferenceName": "f", "type": "FORK_JOIN", "forkTasks": [[], "x"]},
            {
                "name": "d",
                "taskReferenceName": "d",
                "type": "DO_WHILE",
                "loopOver": [
                    {
                        "name": "d2",
                        "taskReferenceName": "d2",
                        "type": "DO_WHILE",
                        "loopCondition": "true",
                        "loopOver": [
                            {
                                "name": "w",
                                "taskReferenceName": "w",
                                "type": "WAIT",
                                "inputParameters": {"duration": "soon"},
                            }
                        ],
                    }
                ],
            },
            {"name": "h", "taskReferenceName": "f", "type": "HTTP", "inputParameters": {"x": "${nope.y}"}},
            {"name": "j", "taskReferenceName": "j__1", "type": "JOIN", "joinOn": [1]},
            {"name": "q", "taskReferenceName": "q", "type": "CUSTOM"},
        ],
    }
    problems = check_workflow_def(doc)
    ids = {p.id for p in problems}
    expected = {
        "WF.E005",
        "WF.E006",
        "WF.E008",
        "WF.E009",
        "WF.E010",
        "WF.E011",
        "WF.E012",
        "WF.E013",
        "WF.E014",
        "WF.E016",
        "WF.E017",
        "WF.E018",
        "WF.E020",
        "WF.E021",
        "WF.E022",
        "WF.E023",
        "WF.E025",
        "WF.E026",
        "WF.E027",
        "WF.E030",
        "WF.E031",
        "WF.E032",
        "WF.E034",
        "WF.E036",
        "WF.E038",
        "WF.E047",
        "WF.E049",
        "WF.E052",
        "WF.E002",
    }
    assert expected <= ids
    assert len(problems) >= 30


# --- garbage never raises ---------------------------------------------------------------------


def _self_referencing() -> dict[str, Any]:
    params: dict[str, Any] = {"x": "${missing.y}"}
    params["self"] = params
    params["list"] = [params, params]
    return wf(simple("a", inputParameters=params))


def _deep_params(depth: int) -> dict[str, Any]:
    value: Any = "${deep.output}"
    for _ in range(depth):
        value = {"k": [value]}
    return wf(simple("a", inputParameters={"v": value}))


GARBAGE: list[Any] = [
    None,
    0,
    -1,
    1.5,
    math.nan,
    math.inf,
    True,
    "",
    "tasks",
    b"bytes",
    [],
    [None],
    [{}],
    {},
    {"tasks": None},
    {"name": None, "tasks": [None, 1, "x", [], [[]], {}]},
    {"name": 10**5000, "version": 10**5000, "tasks": [{}]},
    {"name": "x", "tasks": [{"type": [], "name": {}, "taskReferenceName": []}]},
    {"name": "x", "tasks": [{"type": "SWITCH", "decisionCases": [], "defaultCase": {}, "expression": 1}]},
    {"name": "x", "tasks": [{"type": "FORK_JOIN", "forkTasks": {"a": 1}}, {"type": "JOIN", "joinOn": {}}]},
    {"name": "x", "tasks": [{"type": "DO_WHILE", "loopOver": "x", "loopCondition": 5, "items": None}]},
    {
        "name": "x",
        "tasks": [
            {
                "type": t,
                "inputParameters": {
                    "http_request": 1,
                    "duration": [],
                    "until": 1,
                    "startWorkflow": [],
                    "terminationStatus": {},
                    "queryExpression": None,
                },
            }
            for t in KNOWN_TYPES
        ],
    },
    {
        "name": "x",
        "tasks": [
            {
                "name": "a",
                "taskReferenceName": "a",
                "inputParameters": {1: "${a}", None: [None], (1, 2): "${x.y}", 10**5000: "${z}"},
            }
        ],
    },
    {"name": "\ud800", "tasks": [{"name": "\x00", "taskReferenceName": "\ud800" * 5, "type": "SIMPLE"}]},
    {
        "name": "x",
        "tasks": [{"name": "a", "taskReferenceName": "a", "inputParameters": {"x": "${" * 5000 + "}" * 4999}}],
    },
    {
        "name": "x",
        "tasks": [{"name": "a", "taskReferenceName": "a", "inputParameters": {"x": "$${" * 3000 + "}" * 3000}}],
    },
    _self_referencing(),
    _deep_params(5000),
    deep_switch(5000),
]


@pytest.mark.parametrize("doc", GARBAGE, ids=[f"garbage{i}" for i in range(len(GARBAGE))])
def test_garbage_never_raises(doc: Any) -> None:
    for check in (check_workflow_def, check_task_def):
        problems = check(doc)
        assert isinstance(problems, list) and all(isinstance(p, Problem) for p in problems)
        json.dumps([p.as_dict() for p in problems], allow_nan=False)


def test_five_thousand_deep_switch_is_one_depth_error() -> None:
    problems = check_workflow_def(deep_switch(5000))
    assert [p.id for p in problems] == ["WF.E024"]


def test_deep_and_cyclic_parameters_still_report_what_they_can() -> None:
    assert [p.id for p in check_workflow_def(_self_referencing())] == ["WF.E052"]
    assert check_workflow_def(_deep_params(100))[0].id == "WF.E052"
    assert check_workflow_def(_deep_params(5000)) == []  # beyond the scan depth: not looked at
