"""SWITCH with a javascript / graaljs expression: `$` is the resolved task input."""

from __future__ import annotations

import pytest

from .harness import Execution, node, simple, workflow


def js_switch(expression: str, evaluator: str = "javascript", **params: object) -> dict:
    return node("SWITCH", "sw", evaluatorType=evaluator, expression=expression,
                inputParameters={"kind": "${workflow.input.kind}", "n": "${workflow.input.n}", **params},
                decisionCases={"even": [simple("e")], "odd": [simple("o")], "3": [simple("three")],
                               "true": [simple("yes")], "null": [simple("nothing")]},
                defaultCase=[simple("dflt")])


@pytest.mark.parametrize("evaluator", ["javascript", "graaljs"])
def test_script_result_selects_the_case(evaluator: str) -> None:
    doc = workflow(js_switch("$.n % 2 == 0 ? 'even' : 'odd'", evaluator))
    assert Execution(doc, {"n": 4}).scheduled() == ["e"]
    assert Execution(doc, {"n": 7}).scheduled() == ["o"]


def test_function_wrapped_script_like_the_sdk_emits() -> None:
    doc = workflow(js_switch("(function () { if ($.kind == 'a') return 'even'; return 'odd'; })()", "graaljs"))
    assert Execution(doc, {"kind": "a"}).scheduled() == ["e"]
    assert Execution(doc, {"kind": "b"}).scheduled() == ["o"]


@pytest.mark.parametrize(("expression", "expected"), [
    ("1 + 2", "three"), ("$.n > 1", "yes"), ("null", "nothing"), ("'nope'", "dflt"), ("undefined", "nothing"),
])
def test_non_string_results_are_stringified(expression: str, expected: str) -> None:
    ex = Execution(workflow(js_switch(expression)), {"n": 5})
    assert ex.scheduled() == [expected]


def test_javascript_switch_output() -> None:
    ex = Execution(workflow(js_switch("'odd'")))
    assert dict(ex.task("sw").output) == {"evaluationResult": ["odd"], "selectedCase": "odd"}
    assert ex.task("sw").input["case"] == "odd"


def test_script_error_fails_the_switch_and_the_workflow() -> None:
    ex = Execution(workflow(js_switch("$.missing.deeper"), simple("after")))
    sw = ex.task("sw")
    assert sw.status.value == "FAILED_WITH_TERMINAL_ERROR"
    assert (sw.reason or "").startswith("Case evaluation failed:")
    assert "error" in sw.output
    assert ex.status == "FAILED" and "after" not in ex.statuses()


def test_syntax_error_fails_the_switch() -> None:
    ex = Execution(workflow(js_switch("this is not js (")))
    assert ex.statuses() == {"sw": "FAILED_WITH_TERMINAL_ERROR"} and ex.status == "FAILED"


def test_script_sees_values_wired_from_earlier_tasks() -> None:
    doc = workflow(simple("t0"), js_switch("$.prev.count > 10 ? 'even' : 'odd'", prev="${t0.output}"))
    ex = Execution(doc)
    ex.complete("t0", {"count": 11})
    assert ex.scheduled() == ["e"]
