"""The deprecated DECISION: `caseValueParam` names an input, or `caseExpression` is a script.

CONDUCTOR.md §4 DECISION (output `caseOutput`, empty matched list falls back to the default) and
test-harness #19 ("same suite for legacy DECISION").
"""

from __future__ import annotations

from .harness import Execution, node, simple, switch, workflow


def decision(**extra: object) -> dict:
    return node("DECISION", "dec", inputParameters={"v": "${workflow.input.v}"},
                decisionCases={"c": [simple("t1"), simple("t2")], "e": []}, defaultCase=[simple("t3")], **extra)


def test_decision_with_case_value_param() -> None:
    ex = Execution(workflow(decision(caseValueParam="v"), simple("t4")), {"v": "c"})
    dec = ex.task("dec")
    assert dict(dec.output) == {"caseOutput": ["c"]}
    assert dec.input["case"] == "c"
    ex.complete("t1")
    ex.complete("t2")
    assert ex.scheduled() == ["t4"]


def test_decision_default_and_empty_case_fallback() -> None:
    assert Execution(workflow(decision(caseValueParam="v")), {"v": "zz"}).scheduled() == ["t3"]
    assert Execution(workflow(decision(caseValueParam="v")), {"v": "e"}).scheduled() == ["t3"]


def test_decision_with_case_expression() -> None:
    doc = workflow(decision(caseExpression="$.v == 'go' ? 'c' : 'other'"))
    assert Execution(doc, {"v": "go"}).scheduled() == ["t1"]
    assert Execution(doc, {"v": "stop"}).scheduled() == ["t3"]


def test_decision_no_match_no_default_goes_to_the_next_task() -> None:
    doc = workflow(node("DECISION", "dec", caseValueParam="v", inputParameters={"v": "q"},
                        decisionCases={"c": [simple("t1")]}), simple("t4"))
    assert Execution(doc).statuses() == {"dec": "COMPLETED", "t4": "SCHEDULED"}


def test_nested_decision_inside_a_switch() -> None:
    doc = workflow(switch("sw", {"a": [decision(caseValueParam="v")]}), simple("last"))
    ex = Execution(doc, {"case": "a", "v": "c"})
    ex.complete("t1")
    ex.complete("t2")
    assert ex.scheduled() == ["last"]
