"""How a DO_WHILE fails: a failing body task, a broken condition, too many iterations; and how a
retry resumes the iteration that failed.

CONDUCTOR.md §4 DO_WHILE (body failure → loop fails, condition error → FAILED_WITH_TERMINAL_ERROR),
§6 retry (CANCELED DO_WHILE goes back to IN_PROGRESS) and test-harness #23.
"""

from __future__ import annotations

import pytest

from orchestrator.systemtasks import do_while

from .harness import Execution, node, simple, workflow
from .test_do_while__iterations import inline, loop


def body_flow() -> dict:
    return workflow(loop("loop", [simple("a"), simple("b", "flaky")], "$.loop['iteration'] < 3"), simple("after"))


def test_a_failing_body_task_fails_the_workflow_and_closes_the_loop() -> None:
    ex = Execution(body_flow(), {}, {"flaky": {"name": "flaky", "retryCount": 0}})
    ex.complete("a__1")
    ex.complete("b__1")
    ex.complete("a__2")
    ex.fail("b__2", "broken")
    assert ex.status == "FAILED"
    assert ex.wf.reason == f"Task {ex.task('b__2').task_id} failed with status: FAILED and reason: 'broken'"
    assert ex.statuses() == {"loop": "CANCELED", "a__1": "COMPLETED", "b__1": "COMPLETED", "a__2": "COMPLETED",
                             "b__2": "FAILED"}
    assert ex.failed_refs == ["b__2"]


def test_a_body_task_is_retried_within_its_iteration() -> None:
    ex = Execution(body_flow(), {}, {"flaky": {"name": "flaky", "retryCount": 1, "retryDelaySeconds": 0}})
    ex.complete("a__1")
    ex.fail("b__1", "once")
    assert [(t.ref, t.retry_count, t.iteration) for t in ex.attempts("b__1")] == [("b__1", 0, 1), ("b__1", 1, 1)]
    ex.complete("b__1", {"ok": True})
    assert ex.scheduled() == ["a__2"]
    assert ex.task("loop").output["1"]["b"] == {"ok": True}


def test_retry_after_a_body_failure_resumes_the_same_iteration() -> None:
    ex = Execution(body_flow(), {}, {"flaky": {"name": "flaky", "retryCount": 0}})
    ex.complete("a__1")
    ex.complete("b__1", {"i": 1})
    ex.complete("a__2")
    ex.fail("b__2")
    ex.retry()
    assert ex.status == "RUNNING"
    assert ex.statuses()["loop"] == "IN_PROGRESS" and ex.task("loop").iteration == 2
    assert ex.scheduled() == ["b__2"] and ex.task("b__2").retry_count == 1
    ex.complete("b__2", {"i": 2})
    ex.complete("a__3")
    ex.complete("b__3", {"i": 3})
    assert ex.scheduled() == ["after"]
    out = ex.task("loop").output
    assert out["iteration"] == 3 and [out[str(n)]["b"] for n in (1, 2, 3)] == [{"i": 1}, {"i": 2}, {"i": 3}]


def test_a_failing_system_task_in_the_body_fails_the_workflow_in_the_same_decide() -> None:
    doc = workflow(loop("loop", [inline("x", "if ($.i == 3) { throw new Error('three') } $.i",
                                        i="${loop.output.iteration}")], "true"))
    ex = Execution(doc)
    assert ex.status == "FAILED" and len(ex.outcomes) == 1
    assert ex.history() == [("loop", "CANCELED"), ("x__1", "COMPLETED"), ("x__2", "COMPLETED"), ("x__3", "FAILED")]
    assert "three" in (ex.wf.reason or "")


def test_a_broken_condition_fails_the_loop_with_a_terminal_error() -> None:
    ex = Execution(workflow(loop("loop", [inline("x", "1")], "$.nothing.here > 1"), simple("after")))
    assert ex.status == "FAILED"
    assert ex.statuses() == {"loop": "FAILED_WITH_TERMINAL_ERROR", "x__1": "COMPLETED"}
    assert ex.task("loop").reason.startswith("loopCondition failed:")


def test_max_iterations_input_fails_a_loop_that_does_not_stop() -> None:
    ex = Execution(workflow(loop("loop", [inline("x", "1")], "true", inputParameters={"maxIterations": 3})))
    assert ex.status == "FAILED"
    assert ex.history() == [("loop", "FAILED"), ("x__1", "COMPLETED"), ("x__2", "COMPLETED"), ("x__3", "COMPLETED")]
    assert ex.task("loop").reason == "max iterations exceeded (3)"
    assert "max iterations exceeded" in (ex.wf.reason or "")


def test_loops_are_bounded_even_without_max_iterations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(do_while, "MAX_ITERATIONS", 40)
    ex = Execution(workflow(loop("loop", [inline("x", "1")], "true")))
    assert ex.status == "FAILED" and ex.task("loop").reason == "max iterations exceeded (40)"
    assert ex.task("loop").iteration == 40


def test_the_loop_task_itself_is_never_retried() -> None:
    doc = workflow(loop("loop", [inline("x", "1")], "true", retryCount=3, inputParameters={"maxIterations": 1}))
    ex = Execution(doc, {}, {"loop": {"name": "loop", "retryCount": 3, "retryDelaySeconds": 0}})
    assert ex.history() == [("loop", "FAILED"), ("x__1", "COMPLETED")]
    assert ex.status == "FAILED"


def test_an_optional_body_task_failure_lets_the_loop_go_on() -> None:
    doc = workflow(loop("loop", [simple("a", "opt", optional=True), simple("b")], "$.loop['iteration'] < 2"))
    ex = Execution(doc, {}, {"opt": {"name": "opt", "retryCount": 0}})
    ex.fail("a__1", "meh")
    ex.complete("b__1")
    ex.complete("a__2")
    ex.complete("b__2")
    assert ex.status == "COMPLETED" and ex.statuses()["a__1"] == "COMPLETED_WITH_ERRORS"
    assert ex.failed_refs == ["a__1"]


def test_terminate_failed_inside_the_loop() -> None:
    doc = workflow(loop("loop", [node("TERMINATE", "stop", inputParameters={
        "terminationStatus": "FAILED", "terminationReason": "gave up"})], "true"))
    ex = Execution(doc)
    assert ex.status == "FAILED" and ex.wf.reason == "gave up"
    assert ex.statuses() == {"loop": "CANCELED", "stop__1": "COMPLETED"}
