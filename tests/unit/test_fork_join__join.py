"""FORK_JOIN starts branches in parallel; JOIN waits for `joinOn` and collects outputs.

CONDUCTOR.md §4 FORK_JOIN / JOIN and test-harness #20.
"""

from __future__ import annotations

from .harness import Execution, fork, join, node, simple, workflow


def fork_flow() -> dict:
    return workflow(
        fork("fork", [simple("a1"), simple("a2")], [simple("b1")]),
        join("join", "a2", "b1"),
        simple("after", inputParameters={"joined": "${join.output}"}),
    )


def test_fork_completes_at_once_and_schedules_the_first_task_of_each_branch() -> None:
    ex = Execution(fork_flow())
    assert ex.statuses() == {"fork": "COMPLETED", "a1": "SCHEDULED", "b1": "SCHEDULED", "join": "IN_PROGRESS"}
    f = ex.task("fork")
    assert f.task_type == "FORK_JOIN" and f.processed and dict(f.output) == {}


def test_join_waits_for_every_joined_ref() -> None:
    ex = Execution(fork_flow())
    ex.complete("b1", {"b": 1})
    assert ex.statuses()["join"] == "IN_PROGRESS"
    ex.complete("a1", {"a": 1})
    assert ex.statuses()["join"] == "IN_PROGRESS" and ex.scheduled() == ["a2"]
    ex.complete("a2", {"a": 2})
    assert ex.statuses()["join"] == "COMPLETED"
    assert ex.scheduled() == ["after"]


def test_join_output_is_keyed_by_ref_with_only_non_empty_outputs() -> None:
    doc = workflow(fork("fork", [simple("a")], [simple("b")], [simple("c")]), join("join", "a", "b", "c"),
                   simple("after", inputParameters={"joined": "${join.output}", "one": "${join.output.a.v}"}))
    ex = Execution(doc)
    ex.complete("a", {"v": 1})
    ex.complete("b", {"v": [2]})
    ex.complete("c", {})
    assert dict(ex.task("join").output) == {"a": {"v": 1}, "b": {"v": [2]}}
    assert dict(ex.task("after").input) == {"joined": {"a": {"v": 1}, "b": {"v": [2]}}, "one": 1}


def test_fork_join_at_the_end_completes_with_the_join_output() -> None:
    doc = workflow(fork("fork", [simple("a")], [simple("b")]), join("join", "a", "b"))
    ex = Execution(doc)
    ex.complete("a", {"x": 1})
    ex.complete("b", {"y": 2})
    assert ex.status == "COMPLETED" and dict(ex.wf.output) == {"a": {"x": 1}, "b": {"y": 2}}


def test_branch_failure_fails_the_workflow_and_cancels_the_rest() -> None:
    ex = Execution(fork_flow())
    ex.complete("a1")
    ex.fail("b1", "branch broke", terminal=True)
    assert ex.status == "FAILED"
    assert ex.statuses() == {"fork": "COMPLETED", "a1": "COMPLETED", "b1": "FAILED_WITH_TERMINAL_ERROR",
                             "join": "CANCELED", "a2": "CANCELED"}
    b1 = ex.task("b1")
    assert ex.wf.reason == f"Task {b1.task_id} failed with status: FAILED and reason: 'branch broke'"
    assert ex.failed_refs == ["b1"]


def test_join_waits_while_a_failed_branch_task_is_retried() -> None:
    doc = workflow(fork("fork", [simple("a", "flaky")], [simple("b")]), join("join", "a", "b"))
    ex = Execution(doc, {}, {"flaky": {"name": "flaky", "retryCount": 1, "retryDelaySeconds": 0}})
    ex.complete("b", {"b": 1})
    ex.fail("a", "once")
    assert ex.statuses()["join"] == "IN_PROGRESS"
    assert ex.history()[-1] == ("a", "SCHEDULED")
    ex.complete("a", {"a": 2})
    assert ex.status == "COMPLETED" and dict(ex.task("join").output) == {"a": {"a": 2}, "b": {"b": 1}}


def test_optional_branch_failure_completes_the_join_with_errors() -> None:
    doc = workflow(fork("fork", [simple("a", optional=True)], [simple("b")]), join("join", "a", "b"), simple("c"))
    ex = Execution(doc, {}, {"a": {"name": "a", "retryCount": 0}})
    ex.fail("a", "meh")
    ex.complete("b")
    assert ex.statuses()["join"] == "COMPLETED_WITH_ERRORS"
    assert ex.scheduled() == ["c"]
    ex.complete("c")
    assert ex.status == "COMPLETED" and ex.failed_refs == ["a"]


def test_join_on_a_subset_of_branches_does_not_wait_for_the_others() -> None:
    doc = workflow(fork("fork", [simple("a")], [simple("b")]), join("join", "a"), simple("c"))
    ex = Execution(doc)
    ex.complete("a")
    assert ex.statuses() == {"fork": "COMPLETED", "a": "COMPLETED", "b": "SCHEDULED", "join": "COMPLETED",
                             "c": "SCHEDULED"}
    ex.complete("c")
    assert ex.status == "RUNNING"  # b is still pending
    ex.complete("b")
    assert ex.status == "COMPLETED"


def test_empty_join_on_completes_at_once() -> None:
    doc = workflow(fork("fork", [simple("a")]), join("join"), simple("c"))
    ex = Execution(doc)
    assert ex.statuses()["join"] == "COMPLETED" and set(ex.scheduled()) == {"a", "c"}


def test_sync_branches_finish_inside_one_evaluation() -> None:
    doc = workflow(
        fork("fork", [node("INLINE", "x", inputParameters={"expression": "1 + 1"})],
             [node("SET_VARIABLE", "sv", inputParameters={"k": "v"})], [node("NOOP", "n")]),
        join("join", "x", "sv", "n"),
    )
    ex = Execution(doc)
    assert ex.status == "COMPLETED"
    assert dict(ex.task("join").output) == {"x": {"result": 2}}
    assert len(ex.outcomes) == 1


def test_join_fails_when_a_joined_system_task_fails() -> None:
    doc = workflow(fork("fork", [node("INLINE", "x", inputParameters={"expression": "throw new Error('no')"})],
                        [simple("b")]), join("join", "x", "b"))
    ex = Execution(doc)
    assert ex.status == "FAILED"
    assert ex.statuses()["x"] == "FAILED" and ex.statuses()["b"] == "CANCELED"


def test_completing_branches_in_any_order_gives_the_same_result() -> None:
    for order in (["a", "b", "c"], ["c", "b", "a"], ["b", "a", "c"]):
        doc = workflow(fork("fork", [simple("a")], [simple("b")], [simple("c")]), join("join", "a", "b", "c"))
        ex = Execution(doc)
        for ref in order:
            ex.complete(ref, {ref: True})
        assert ex.status == "COMPLETED"
        assert dict(ex.wf.output) == {"a": {"a": True}, "b": {"b": True}, "c": {"c": True}}
