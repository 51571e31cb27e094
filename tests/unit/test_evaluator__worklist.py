"""The evaluator's worklist: finished tasks lead to their successors, and a JOIN is checked again
whenever something it may wait on finished, also a task in the middle of a branch.

CONDUCTOR.md §4 JOIN ("IN_PROGRESS until all joined refs terminal", whichever refs `joinOn` lists).
"""

from __future__ import annotations

from .harness import Execution, fork, join, node, simple, workflow


def inline(ref: str) -> dict:
    return node("INLINE", ref, inputParameters={"expression": "1"})


def test_join_on_a_mid_branch_task_finished_by_a_sync_step_completes_in_that_decide() -> None:
    doc = workflow(fork("f", [simple("x"), inline("a"), simple("a2")], [simple("b")]), join("j", "a", "b"),
                   simple("after"))
    ex = Execution(doc)
    ex.complete("b")
    ex.complete("x")
    assert ex.statuses() == {"f": "COMPLETED", "x": "COMPLETED", "b": "COMPLETED", "j": "COMPLETED",
                             "a": "COMPLETED", "a2": "SCHEDULED", "after": "SCHEDULED"}


def test_join_on_a_mid_branch_worker_task() -> None:
    doc = workflow(fork("f", [simple("a"), simple("a2")], [simple("b")]), join("j", "a", "b"), simple("after"))
    ex = Execution(doc)
    ex.complete("b")
    ex.complete("a")
    assert ex.statuses()["j"] == "COMPLETED" and set(ex.scheduled()) == {"a2", "after"}
    ex.complete("a2")
    ex.complete("after")
    assert ex.status == "COMPLETED"


def test_join_on_a_mid_branch_permissive_failure_fails_without_waiting_for_the_branch() -> None:
    doc = workflow(fork("f", [simple("p", permissive=True), simple("p2")], [simple("b")]), join("j", "p", "b"))
    ex = Execution(doc, {}, {"p": {"name": "p", "retryCount": 0}})
    ex.complete("b")
    ex.fail("p", "x")
    assert ex.statuses()["j"] == "FAILED" and ex.status == "FAILED"
    assert ex.statuses()["p2"] == "CANCELED"


def test_idle_decides_do_not_recheck_joins_twice() -> None:
    width = 50
    doc = workflow(fork("f", *[[simple(f"b{i}")] for i in range(width)]), join("j", *[f"b{i}" for i in range(width)]))
    ex = Execution(doc)
    ex.complete("b0")
    before = len(ex.lookups)
    for _ in range(3):
        assert ex.decide().is_empty
    assert ex.lookups[before:] == [1, 1, 1]  # the first pass's one batched JOIN check, nothing more
