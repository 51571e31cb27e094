"""SET_VARIABLE merges its input into `workflow.variables`, up to 256 KB (test-harness #27)."""

from __future__ import annotations

import json

from orchestrator.systemtasks.set_variable import MAX_VARIABLES_BYTES

from .harness import Execution, node, simple, workflow


def set_var(ref: str = "sv", **params: object) -> dict:
    return node("SET_VARIABLE", ref, inputParameters=params)


def test_variables_are_visible_to_later_tasks() -> None:
    doc = workflow(
        simple("t1"),
        set_var(name="${t1.output.name}", count=1),
        simple("t2", inputParameters={"name": "${workflow.variables.name}", "all": "${workflow.variables}"}),
    )
    ex = Execution(doc, variables={"seed": True})
    ex.complete("t1", {"name": "Ada"})
    assert ex.statuses() == {"t1": "COMPLETED", "sv": "COMPLETED", "t2": "SCHEDULED"}
    assert dict(ex.task("t2").input) == {"name": "Ada", "all": {"seed": True, "name": "Ada", "count": 1}}
    assert dict(ex.wf.variables) == {"seed": True, "name": "Ada", "count": 1}


def test_later_set_variable_overwrites_earlier_keys() -> None:
    doc = workflow(set_var("sv1", k=1, keep="a"), set_var("sv2", k=2),
                   simple("t", inputParameters={"k": "${workflow.variables.k}", "keep": "${workflow.variables.keep}"}))
    ex = Execution(doc)
    assert dict(ex.task("t").input) == {"k": 2, "keep": "a"}


def test_definition_variables_are_the_initial_values() -> None:
    ex = Execution(workflow(simple("t", inputParameters={"v": "${workflow.variables.start}"}), variables={"start": 0}))
    assert ex.task("t").input["v"] == 0


def test_set_variable_output_is_empty_and_the_task_completes_at_once() -> None:
    ex = Execution(workflow(set_var(a=1), simple("t")))
    sv = ex.task("sv")
    assert sv.status.value == "COMPLETED" and dict(sv.output) == {} and sv.processed


def test_variables_reach_the_workflow_output() -> None:
    doc = workflow(set_var(a=1), outputParameters={"a": "${workflow.variables.a}"})
    ex = Execution(doc)
    assert ex.status == "COMPLETED" and dict(ex.wf.output) == {"a": 1}


def test_variables_persist_across_evaluations() -> None:
    doc = workflow(set_var(a=1), simple("t1"), simple("t2", inputParameters={"a": "${workflow.variables.a}"}))
    ex = Execution(doc)
    assert ex.last.workflow is not None and dict(ex.last.workflow.variables or {}) == {"a": 1}
    ex.complete("t1")
    assert ex.task("t2").input["a"] == 1
    assert ex.last.workflow is None  # nothing changed this time


def test_exceeding_256_kb_fails_the_task_terminally_and_keeps_the_old_variables() -> None:
    doc = workflow(set_var("small", a=1), set_var("big", blob="${workflow.input.blob}"), simple("never"))
    ex = Execution(doc, {"blob": "x" * MAX_VARIABLES_BYTES})
    big = ex.task("big")
    assert big.status.value == "FAILED_WITH_TERMINAL_ERROR"
    assert "exceeds the limit of 262144 bytes" in (big.reason or "")
    assert ex.status == "FAILED" and "never" not in ex.statuses()
    assert dict(ex.wf.variables) == {"a": 1}


def test_limit_counts_the_merged_variables() -> None:
    half = "y" * (MAX_VARIABLES_BYTES // 2)
    doc = workflow(set_var("one", a=half), set_var("two", b=half))
    ex = Execution(doc)
    assert ex.statuses() == {"one": "COMPLETED", "two": "FAILED_WITH_TERMINAL_ERROR"}


def test_exactly_at_the_limit_is_allowed() -> None:
    overhead = len(json.dumps({"k": ""}, separators=(",", ":")).encode())
    doc = workflow(set_var(k="${workflow.input.v}"))
    ex = Execution(doc, {"v": "z" * (MAX_VARIABLES_BYTES - overhead)})
    assert ex.status == "COMPLETED"
    ex = Execution(doc, {"v": "z" * (MAX_VARIABLES_BYTES - overhead + 1)})
    assert ex.status == "FAILED"
