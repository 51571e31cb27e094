"""JSON_JQ_TRANSFORM: `result` is the first value, `resultList` all of them; errors fail the task.

CONDUCTOR.md §4 JSON_JQ_TRANSFORM and test-harness #30.
"""

from __future__ import annotations

from .harness import Execution, node, simple, workflow


def jq(query: object, ref: str = "jq", **data: object) -> dict:
    params = dict(data)
    if query is not None:
        params["queryExpression"] = query
    return node("JSON_JQ_TRANSFORM", ref, inputParameters=params)


def test_single_result() -> None:
    ex = Execution(workflow(jq("{ sum: (.a + .b) }", a="${workflow.input.a}", b=2)), {"a": 1})
    t = ex.task("jq")
    assert t.status.value == "COMPLETED"
    assert dict(t.output) == {"result": {"sum": 3}, "resultList": [{"sum": 3}]}
    assert ex.status == "COMPLETED" and dict(ex.wf.output) == dict(t.output)


def test_nested_objects_and_list_results() -> None:
    ex = Execution(workflow(jq(".people[] | {name, tags: [.tags[] | ascii_upcase]}",
                               people=[{"name": "a", "tags": ["x"]}, {"name": "b", "tags": []}])))
    out = dict(ex.task("jq").output)
    assert out["result"] == {"name": "a", "tags": ["X"]}
    assert out["resultList"] == [{"name": "a", "tags": ["X"]}, {"name": "b", "tags": []}]


def test_query_producing_a_list_is_one_result() -> None:
    ex = Execution(workflow(jq("[.xs[] * 2]", xs=[1, 2, 3])))
    assert dict(ex.task("jq").output) == {"result": [2, 4, 6], "resultList": [[2, 4, 6]]}


def test_query_producing_nothing_has_null_result_and_empty_list() -> None:
    ex = Execution(workflow(jq("empty")))
    assert dict(ex.task("jq").output) == {"result": None, "resultList": []}


def test_query_sees_the_whole_input_including_query_expression() -> None:
    ex = Execution(workflow(jq("keys", k=1)))
    assert ex.task("jq").output["result"] == ["k", "queryExpression"]


def test_later_tasks_read_the_result() -> None:
    doc = workflow(jq(".v + 1", v=41), simple("t", inputParameters={"x": "${jq.output.result}"}))
    assert Execution(doc).task("t").input["x"] == 42


def test_bad_query_fails_the_task_with_an_error_output_and_fails_the_workflow() -> None:
    ex = Execution(workflow(jq(".a |||"), simple("after")))
    t = ex.task("jq")
    assert t.status.value == "FAILED"
    assert "syntax error" in t.output["error"] and t.reason == t.output["error"]
    assert ex.status == "FAILED" and "after" not in ex.statuses()
    assert ex.wf.reason == f"Task {t.task_id} failed with status: FAILED and reason: '{t.reason}'"


def test_runtime_error_fails_the_task() -> None:
    ex = Execution(workflow(jq(".a.b", a=1)))
    t = ex.task("jq")
    assert t.status.value == "FAILED" and "Cannot index number" in t.output["error"]


def test_missing_query_fails_the_task() -> None:
    for query in (None, "", "   ", 5):
        ex = Execution(workflow(jq(query)))
        t = ex.task("jq")
        assert t.status.value == "FAILED" and "queryExpression" in t.output["error"]
        assert ex.status == "FAILED"


def test_optional_jq_failure_lets_the_workflow_continue() -> None:
    doc = workflow({**jq(".x |||"), "optional": True}, simple("after"))
    ex = Execution(doc)
    assert ex.statuses() == {"jq": "COMPLETED_WITH_ERRORS", "after": "SCHEDULED"}
