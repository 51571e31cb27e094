"""INLINE and LAMBDA through the evaluator: `$` is the task input, output `{result}` or `{error}`.

CONDUCTOR.md §4 INLINE / LAMBDA and test-harness #30 ("LAMBDA returns result"). The sandbox
itself (limits, timeouts, isolation) is covered by test_sandbox__scripts.py.
"""

from __future__ import annotations

import pytest

from .harness import Execution, node, simple, workflow


def inline(expression: object, evaluator: object = "javascript", ref: str = "js", **params: object) -> dict:
    inputs: dict = {"expression": expression, **params}
    if evaluator is not None:
        inputs["evaluatorType"] = evaluator
    return node("INLINE", ref, inputParameters=inputs)


@pytest.mark.parametrize("evaluator", ["javascript", "graaljs", None])
def test_result_is_the_scripts_value(evaluator: object) -> None:
    ex = Execution(workflow(inline("$.a * $.b", evaluator, a="${workflow.input.a}", b=3)), {"a": 5})
    t = ex.task("js")
    assert t.status.value == "COMPLETED" and dict(t.output) == {"result": 15}
    assert ex.status == "COMPLETED"


def test_function_wrapped_script_returns_objects_and_lists() -> None:
    script = "(function(){ return {items: $.xs.map(function(x){ return x + 1; }), n: $.xs.length}; })()"
    ex = Execution(workflow(inline(script, "graaljs", xs=[1, 2])))
    assert ex.task("js").output["result"] == {"items": [2, 3], "n": 2}


def test_undefined_and_null_results_are_null() -> None:
    assert Execution(workflow(inline("undefined"))).task("js").output == {"result": None}
    assert Execution(workflow(inline("null"))).task("js").output == {"result": None}


def test_result_is_wired_to_later_tasks() -> None:
    doc = workflow(inline("$.v.toUpperCase()", v="${workflow.input.v}"), simple("t", inputParameters={
        "up": "${js.output.result}"}))
    assert Execution(doc, {"v": "abc"}).task("t").input["up"] == "ABC"


def test_runtime_error_fails_the_task_with_error_output() -> None:
    ex = Execution(workflow(inline("throw new Error('bad value')"), simple("after")))
    t = ex.task("js")
    assert t.status.value == "FAILED"
    assert "bad value" in t.output["error"] and t.reason == t.output["error"]
    assert ex.status == "FAILED" and "after" not in ex.statuses()


def test_syntax_error_is_a_terminal_failure() -> None:
    ex = Execution(workflow(inline("function (")))
    t = ex.task("js")
    assert t.status.value == "FAILED_WITH_TERMINAL_ERROR" and "SyntaxError" in t.output["error"]
    assert ex.status == "FAILED"


@pytest.mark.parametrize("evaluator", ["python", "value-param", "groovy"])
def test_unsupported_evaluator_is_a_terminal_failure(evaluator: str) -> None:
    t = Execution(workflow(inline("1", evaluator))).task("js")
    assert t.status.value == "FAILED_WITH_TERMINAL_ERROR" and "not supported" in t.output["error"]


@pytest.mark.parametrize("expression", [None, "", "   ", 7])
def test_missing_expression_is_a_terminal_failure(expression: object) -> None:
    t = Execution(workflow(inline(expression))).task("js")
    assert t.status.value == "FAILED_WITH_TERMINAL_ERROR" and "expression" in t.output["error"]


def test_script_cannot_reach_the_host() -> None:
    t = Execution(workflow(inline("typeof require + ',' + typeof process + ',' + typeof fetch"))).task("js")
    assert t.output["result"] == "undefined,undefined,undefined"


def test_script_sees_a_copy_of_its_input() -> None:
    ex = Execution(workflow(inline("$.obj.k = 2; $.obj.k", obj={"k": 1})))
    t = ex.task("js")
    assert t.output["result"] == 2 and t.input["obj"] == {"k": 1}


def test_optional_inline_failure_continues() -> None:
    ex = Execution(workflow({**inline("throw 1"), "optional": True}, simple("after")))
    assert ex.statuses() == {"js": "COMPLETED_WITH_ERRORS", "after": "SCHEDULED"}


# -- LAMBDA (deprecated) --------------------------------------------------------------------------


def lambda_(script: object) -> dict:
    return node("LAMBDA", "lam", inputParameters={"scriptExpression": script, "value": "${workflow.input.value}"})


def test_lambda_script_is_a_function_body_with_return() -> None:
    """Conductor runs `function scriptFun(){ <scriptExpression> } scriptFun();`."""
    script = "if ($.value > 1) { return {testvalue: true}; } else { return {testvalue: false}; }"
    assert Execution(workflow(lambda_(script)), {"value": 2}).task("lam").output == {"result": {"testvalue": True}}
    assert Execution(workflow(lambda_(script)), {"value": 0}).task("lam").output == {"result": {"testvalue": False}}


def test_lambda_without_return_gives_null() -> None:
    assert Execution(workflow(lambda_("$.value + 1")), {"value": 1}).task("lam").output == {"result": None}


def test_lambda_body_ending_in_a_line_comment_still_runs() -> None:
    ex = Execution(workflow(lambda_("return $.value; // trailing comment")), {"value": 3})
    assert ex.task("lam").output == {"result": 3}


def test_lambda_error_fails_the_task_with_error_output() -> None:
    t = Execution(workflow(lambda_("throw new Error('lambda broke');"))).task("lam")
    assert t.status.value == "FAILED" and "lambda broke" in t.output["error"]


def test_lambda_ignores_evaluator_type_and_needs_a_script() -> None:
    doc = workflow(node("LAMBDA", "lam", inputParameters={"scriptExpression": "return 1;", "evaluatorType": "x"}))
    assert Execution(doc).task("lam").output == {"result": 1}
    t = Execution(workflow(lambda_(None))).task("lam")
    assert t.status.value == "FAILED_WITH_TERMINAL_ERROR" and "scriptExpression" in t.output["error"]
