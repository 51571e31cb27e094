"""SWITCH with evaluatorType value-param: case = String(input[expression]).

CONDUCTOR.md §4 SWITCH and test-harness #19.
"""

from __future__ import annotations

import pytest

from .harness import Execution, node, simple, switch, workflow


def decision_flow() -> dict:
    """test-harness #19: case c → t1 then t2, default → t3, then t4 at the top level."""
    return workflow(
        switch("sw", {"c": [simple("t1"), simple("t2")], "d": [simple("t5")]}, [simple("t3")]),
        simple("t4"),
    )


def test_matching_case_runs_its_tasks_in_order_then_the_next_top_level_task() -> None:
    ex = Execution(decision_flow(), {"case": "c"})
    assert ex.statuses() == {"sw": "COMPLETED", "t1": "SCHEDULED"}
    ex.complete("t1")
    assert ex.scheduled() == ["t2"]
    ex.complete("t2")
    assert ex.scheduled() == ["t4"]
    ex.complete("t4")
    assert ex.status == "COMPLETED"
    assert ex.refs() == ["sw", "t1", "t2", "t4"]


def test_switch_task_records_the_case_in_input_and_output() -> None:
    ex = Execution(decision_flow(), {"case": "c"})
    sw = ex.task("sw")
    assert dict(sw.input) == {"switchCaseValue": "c", "case": "c"}
    assert dict(sw.output) == {"evaluationResult": ["c"], "selectedCase": "c"}
    assert sw.processed and sw.end_time == ex.now
    assert ex.task("sw").task_type == "SWITCH"


def test_unmatched_value_runs_the_default_case() -> None:
    ex = Execution(decision_flow(), {"case": "zzz"})
    assert ex.scheduled() == ["t3"]
    assert ex.task("sw").output["selectedCase"] == "zzz"
    ex.complete("t3")
    assert ex.scheduled() == ["t4"]


def test_no_match_and_no_default_continues_with_the_next_task() -> None:
    doc = workflow(switch("sw", {"c": [simple("t1")]}), simple("t4"))
    ex = Execution(doc, {"case": "other"})
    assert ex.statuses() == {"sw": "COMPLETED", "t4": "SCHEDULED"}


def test_no_match_and_no_default_as_the_last_task_completes_the_workflow() -> None:
    doc = workflow(simple("t0"), switch("sw", {"c": [simple("t1")]}))
    ex = Execution(doc, {"case": "other"})
    ex.complete("t0")
    assert ex.status == "COMPLETED"
    assert dict(ex.wf.output) == {"evaluationResult": ["other"], "selectedCase": "other"}


def test_empty_matched_case_falls_back_to_the_default() -> None:
    doc = workflow(switch("sw", {"c": []}, [simple("t3")]))
    ex = Execution(doc, {"case": "c"})
    assert ex.scheduled() == ["t3"]


@pytest.mark.parametrize(
    ("value", "case"),
    [(None, "null"), (True, "true"), (False, "false"), (1, "1"), (2.0, "2.0"), (2.5, "2.5"), ("x", "x")],
)
def test_case_key_is_java_string_value_of(value: object, case: str) -> None:
    doc = workflow(switch("sw", {case: [simple("hit")]}, [simple("miss")], value=value))
    ex = Execution(doc)
    assert ex.task("sw").input["case"] == case
    assert ex.scheduled() == ["hit"]


def test_missing_input_parameter_selects_the_null_case() -> None:
    doc = workflow(switch("sw", {"null": [simple("hit")]}, [simple("miss")], value="${workflow.input.absent}"))
    assert Execution(doc).scheduled() == ["hit"]


def test_case_selection_reads_earlier_task_output() -> None:
    doc = workflow(simple("t0"), switch("sw", {"big": [simple("b")], "small": [simple("s")]},
                                        value="${t0.output.size}"))
    ex = Execution(doc)
    ex.complete("t0", {"size": "big"})
    assert ex.scheduled() == ["b"]


def test_last_task_of_a_case_ends_the_workflow_with_its_output() -> None:
    ex = Execution(workflow(switch("sw", {"c": [simple("t1")]})), {"case": "c"})
    ex.complete("t1", {"from": "case"})
    assert ex.status == "COMPLETED" and dict(ex.wf.output) == {"from": "case"}


def test_sync_tasks_in_a_case_resolve_in_the_same_evaluation() -> None:
    doc = workflow(
        switch("sw", {"c": [node("SET_VARIABLE", "sv", inputParameters={"k": 1}), node("NOOP", "n")]}),
        simple("t4", inputParameters={"k": "${workflow.variables.k}"}),
    )
    ex = Execution(doc, {"case": "c"})
    assert ex.statuses() == {"sw": "COMPLETED", "sv": "COMPLETED", "n": "COMPLETED", "t4": "SCHEDULED"}
    assert ex.task("t4").input["k"] == 1
    assert len(ex.outcomes) == 1


def test_failure_inside_a_case_fails_the_workflow() -> None:
    ex = Execution(decision_flow(), {"case": "c"})
    ex.fail("t1", "bad", terminal=True)
    assert ex.status == "FAILED" and ex.failed_refs == ["t1"]
    assert "t2" not in ex.statuses()


def test_unknown_evaluator_type_fails_the_switch_and_the_workflow() -> None:
    doc = workflow(node("SWITCH", "sw", evaluatorType="python-ish", expression="x", decisionCases={"a": []}))
    ex = Execution(doc)
    assert ex.statuses() == {"sw": "FAILED_WITH_TERMINAL_ERROR"}
    assert "unknown evaluatorType" in (ex.task("sw").reason or "")
    assert ex.status == "FAILED"
