"""restart, retry, rerun and skip: pure plans, applied the way services.operations applies them
(rows deleted / written / created, workflow fields set), then one decide.

CONDUCTOR.md §6 (operations table) and test-harness #4, #7, #8, #13, #14, #15, #20, #30.
"""

from __future__ import annotations

import pytest

from orchestrator.engine import operations
from orchestrator.engine.operations import OperationRefused

from .harness import T0, Execution, fork, join, node, simple, workflow

DEFS = {"t2": {"name": "t2", "retryCount": 0}}


def linear() -> dict:
    return workflow(simple("t1"), simple("t2", inputParameters={"a": "${t1.output.a}"}), simple("t3"))


def finished() -> Execution:
    ex = Execution(linear(), {"x": 1}, DEFS)
    ex.complete("t1", {"a": 1})
    ex.complete("t2", {"b": 2})
    ex.complete("t3", {"c": 3})
    assert ex.status == "COMPLETED"
    return ex


# -- restart ------------------------------------------------------------------------------


def test_restart_of_a_running_workflow_is_refused() -> None:
    ex = Execution(linear())
    with pytest.raises(OperationRefused, match="only an ended workflow restarts"):
        ex.restart()


def test_restart_starts_over_from_the_first_task() -> None:
    ex = finished()
    ex.advance(100)
    ex.restart()
    assert ex.status == "RUNNING" and ex.history() == [("t1", "SCHEDULED")]
    assert ex.wf.create_time == ex.now != T0 and ex.wf.output == {}
    ex.complete("t1", {"a": 5})
    assert dict(ex.task("t2").input) == {"a": 5}


# -- retry --------------------------------------------------------------------------------


def test_retry_of_a_running_or_completed_workflow_is_refused() -> None:
    with pytest.raises(OperationRefused):
        Execution(linear()).retry()
    with pytest.raises(OperationRefused):
        finished().retry()


def test_retry_reschedules_the_failed_task_and_the_workflow_completes() -> None:
    ex = Execution(linear(), {}, DEFS)
    ex.complete("t1", {"a": 1})
    ex.fail("t2", "down")
    assert ex.status == "FAILED" and ex.failed_refs == ["t2"]
    ex.advance(10)
    ex.retry()
    assert ex.status == "RUNNING" and ex.wf.reason is None and ex.failed_refs == []
    assert ex.wf.last_retried_time == ex.now
    attempts = ex.attempts("t2")
    assert [(t.status.value, t.retry_count, t.retried) for t in attempts] == [("FAILED", 0, True), ("SCHEDULED", 1, False)]
    assert attempts[1].retried_task_id == attempts[0].task_id and dict(attempts[1].input) == {"a": 1}
    ex.complete("t2")
    ex.complete("t3")
    assert ex.status == "COMPLETED"


def test_retry_reopens_the_join_and_reschedules_only_the_failed_branch() -> None:
    doc = workflow(fork("f", [simple("a")], [simple("b", "t2"), simple("b2")]), join("j", "a", "b2"), simple("after"))
    ex = Execution(doc, {}, DEFS)
    ex.complete("a", {"a": 1})
    ex.fail("b", "down")
    assert ex.statuses() == {"f": "COMPLETED", "a": "COMPLETED", "b": "FAILED", "j": "CANCELED"}
    ex.retry()
    assert ex.statuses() == {"f": "COMPLETED", "a": "COMPLETED", "b": "SCHEDULED", "j": "IN_PROGRESS"}
    ex.complete("b")
    ex.complete("b2", {"b2": 1})
    assert ex.statuses()["j"] == "COMPLETED" and dict(ex.task("j").output) == {"a": {"a": 1}, "b2": {"b2": 1}}
    ex.complete("after")
    assert ex.status == "COMPLETED"


def test_retry_reruns_a_failed_sync_system_task() -> None:
    doc = workflow(node("INLINE", "calc", inputParameters={"expression": "if (!$.ok) throw new Error('not ok'); 1",
                                                          "ok": "${workflow.variables.ok}"}))
    ex = Execution(doc, variables={"ok": False})
    assert ex.status == "FAILED"
    ex.retry()
    # The evaluator starts the retried INLINE in the same decide. The planner copies the failed
    # attempt's input (Conductor resolves it again), so here it fails the same way.
    assert ex.history() == [("calc", "FAILED"), ("calc", "FAILED")] and ex.status == "FAILED"


def test_retry_of_a_timed_out_workflow_without_a_failed_task_moves_on() -> None:
    doc = workflow(simple("t1"), simple("t2"), timeoutSeconds=5, timeoutPolicy="TIME_OUT_WF")
    ex = Execution(doc)
    ex.complete("t1")
    ex.advance(6)
    ex.decide()
    assert ex.status == "TIMED_OUT" and ex.statuses() == {"t1": "COMPLETED", "t2": "CANCELED"}
    ex.retry()
    assert ex.status == "RUNNING" and ex.history() == [("t1", "COMPLETED"), ("t2", "CANCELED"), ("t2", "SCHEDULED")]


def test_retry_with_nothing_to_retry_is_refused() -> None:
    doc = workflow(node("TERMINATE", "end", inputParameters={"terminationStatus": "TERMINATED"}))
    ex = Execution(doc)
    assert ex.status == "TERMINATED"
    with pytest.raises(OperationRefused, match="no retryable tasks"):
        ex.retry()


# -- rerun --------------------------------------------------------------------------------


def test_rerun_from_a_task_keeps_earlier_ones_and_drops_later_ones() -> None:
    ex = finished()
    ex.rerun("t2", {"a": "new"})
    assert ex.status == "RUNNING"
    assert ex.history() == [("t1", "COMPLETED"), ("t2", "SCHEDULED")]
    assert dict(ex.task("t2").input) == {"a": "new"} and dict(ex.task("t2").output) == {}
    ex.complete("t2")
    ex.complete("t3")
    assert ex.status == "COMPLETED"


def test_rerun_of_a_running_workflow_or_an_unknown_task_is_refused() -> None:
    with pytest.raises(OperationRefused):
        Execution(linear()).rerun("t1")
    ex = finished()
    with pytest.raises(OperationRefused, match="not part of workflow"):
        operations.rerun_from(ex.defn, ex.wf, ex.tasks, ex.now, "nope", None)


def test_rerun_from_a_failed_jq_task_evaluates_it_again() -> None:
    doc = workflow(node("JSON_JQ_TRANSFORM", "jq", inputParameters={"queryExpression": ".x + 1", "x": "oops"}),
                   simple("after", inputParameters={"r": "${jq.output.result}"}))
    ex = Execution(doc)
    assert ex.status == "FAILED" and ex.statuses() == {"jq": "FAILED"}
    ex.rerun("jq", {"queryExpression": ".x + 1", "x": 41})
    assert ex.history() == [("jq", "COMPLETED"), ("after", "SCHEDULED")]
    assert dict(ex.task("after").input) == {"r": 42}


def test_rerun_from_a_join_waits_again_and_completes() -> None:
    doc = workflow(fork("f", [simple("a")], [simple("b")]), join("j", "a", "b"), simple("after"))
    ex = Execution(doc)
    ex.complete("a", {"a": 1})
    ex.complete("b", {"b": 1})
    ex.complete("after")
    ex.rerun("j")
    assert ex.statuses() == {"f": "COMPLETED", "a": "COMPLETED", "b": "COMPLETED", "j": "COMPLETED",
                             "after": "SCHEDULED"}


def test_rerun_from_a_task_inside_a_loop_reopens_the_loop_at_that_iteration() -> None:
    doc = workflow(node("DO_WHILE", "loop", loopCondition="$.loop['iteration'] < 3", loopOver=[simple("t")]),
                   simple("after"))
    ex = Execution(doc)
    for n in (1, 2, 3):
        ex.complete(f"t__{n}", {"n": n})
    ex.complete("after")
    assert ex.status == "COMPLETED"
    ex.rerun("t__2")
    assert ex.history() == [("loop", "IN_PROGRESS"), ("t__1", "COMPLETED"), ("t__2", "SCHEDULED")]
    assert dict(ex.task("loop").output) == {"iteration": 2, "1": {"t": {"n": 1}}}
    ex.complete("t__2", {"n": 20})
    ex.complete("t__3", {"n": 30})
    assert ex.scheduled() == ["after"]
    assert dict(ex.task("loop").output) == {"iteration": 3, "1": {"t": {"n": 1}}, "2": {"t": {"n": 20}},
                                            "3": {"t": {"n": 30}}}


# -- skip ---------------------------------------------------------------------------------


def test_skip_records_a_skipped_task_that_the_evaluator_passes_over() -> None:
    ex = Execution(linear())
    ex.skip("t2", task_output={"b": "skipped"})
    assert ex.history() == [("t1", "SCHEDULED"), ("t2", "SKIPPED")]
    ex.complete("t1")
    assert ex.history() == [("t1", "COMPLETED"), ("t2", "SKIPPED"), ("t3", "SCHEDULED")]


@pytest.mark.parametrize(("ref", "message"), [("zz", "There is no task"), ("t1", "already been scheduled")])
def test_skip_of_an_unknown_or_scheduled_task_is_refused(ref: str, message: str) -> None:
    ex = Execution(linear())
    with pytest.raises(OperationRefused, match=message):
        ex.skip(ref)


def test_skip_needs_a_running_workflow() -> None:
    ex = finished()
    with pytest.raises(OperationRefused, match="only a RUNNING one skips"):
        ex.skip("t2")
