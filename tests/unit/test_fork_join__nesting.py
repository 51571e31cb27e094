"""Forks inside forks, SWITCHes inside fork branches (test-harness #20, #21 "nested forks")."""

from __future__ import annotations

from .harness import Execution, fork, join, simple, switch, workflow


def nested_forks() -> dict:
    inner = [fork("inner", [simple("i1")], [simple("i2")]), join("inner_join", "i1", "i2")]
    return workflow(
        fork("outer", [simple("a"), *inner], [simple("b")]),
        join("outer_join", "inner_join", "b"),
        simple("last"),
    )


def test_nested_fork_joins_inner_then_outer() -> None:
    ex = Execution(nested_forks())
    assert ex.scheduled() == ["a", "b"]
    ex.complete("a")
    assert set(ex.scheduled()) == {"b", "i1", "i2"}
    ex.complete("i1", {"i": 1})
    ex.complete("b", {"b": 1})
    assert ex.statuses()["outer_join"] == "IN_PROGRESS"
    ex.complete("i2", {"i": 2})
    assert ex.statuses()["inner_join"] == "COMPLETED" and ex.statuses()["outer_join"] == "COMPLETED"
    assert dict(ex.task("outer_join").output) == {"inner_join": {"i1": {"i": 1}, "i2": {"i": 2}}, "b": {"b": 1}}
    assert ex.scheduled() == ["last"]


def test_failure_deep_in_a_nested_fork_fails_the_workflow() -> None:
    ex = Execution(nested_forks())
    ex.complete("a")
    ex.fail("i2", "deep", terminal=True)
    assert ex.status == "FAILED"
    statuses = ex.statuses()
    assert statuses["inner_join"] == "CANCELED" and statuses["outer_join"] == "CANCELED"
    assert statuses["i1"] == "CANCELED" and statuses["b"] == "CANCELED"


def switch_in_fork() -> dict:
    sw = switch("sw", {"long": [simple("l1"), simple("l2")], "short": [simple("s1")]}, [])
    return workflow(fork("fork", [sw], [simple("b")]), join("join", "sw", "b"), simple("last"))


def test_switch_inside_a_fork_branch_runs_its_case() -> None:
    ex = Execution(switch_in_fork(), {"case": "long"})
    assert ex.statuses() == {"fork": "COMPLETED", "sw": "COMPLETED", "l1": "SCHEDULED", "b": "SCHEDULED",
                             "join": "IN_PROGRESS"}


def test_join_on_a_switch_waits_for_the_end_of_its_selected_case() -> None:
    """Conductor's JOIN resolves a SWITCH in joinOn to the last task of the case it took."""
    ex = Execution(switch_in_fork(), {"case": "long"})
    ex.complete("b", {"b": 1})
    assert ex.statuses()["join"] == "IN_PROGRESS"
    ex.complete("l1")
    assert ex.statuses()["join"] == "IN_PROGRESS"
    ex.complete("l2", {"l": 2})
    assert ex.statuses()["join"] == "COMPLETED"
    assert dict(ex.task("join").output) == {"l2": {"l": 2}, "b": {"b": 1}}
    assert ex.scheduled() == ["last"]


def test_join_on_a_switch_that_took_no_case_uses_the_switch_itself() -> None:
    ex = Execution(switch_in_fork(), {"case": "none-of-these"})
    ex.complete("b")
    assert ex.statuses()["join"] == "COMPLETED"
    assert dict(ex.task("join").output) == {"sw": {"evaluationResult": ["none-of-these"],
                                                   "selectedCase": "none-of-these"}}


def test_join_on_nested_switches_resolves_to_the_innermost_last_task() -> None:
    inner = switch("inner", {"x": [simple("ix")]}, [], value="${workflow.input.inner}")
    doc = workflow(fork("fork", [switch("outer", {"a": [simple("a1"), inner]})], [simple("b")]),
                   join("join", "outer", "b"))
    ex = Execution(doc, {"case": "a", "inner": "x"})
    ex.complete("b")
    ex.complete("a1")
    assert ex.statuses()["join"] == "IN_PROGRESS"
    ex.complete("ix", {"deep": True})
    assert ex.status == "COMPLETED" and dict(ex.wf.output) == {"ix": {"deep": True}}


def test_failure_inside_a_switch_branch_of_a_fork_fails_the_workflow() -> None:
    ex = Execution(switch_in_fork(), {"case": "short"})
    ex.fail("s1", "nope", terminal=True)
    assert ex.status == "FAILED" and ex.statuses()["join"] == "CANCELED"


def test_fork_inside_a_switch_inside_a_fork() -> None:
    inner = [fork("f2", [simple("x")], [simple("y")]), join("j2", "x", "y")]
    doc = workflow(fork("f1", [switch("sw", {"p": inner})], [simple("b")]), join("j1", "sw", "b"))
    ex = Execution(doc, {"case": "p"})
    assert set(ex.scheduled()) == {"x", "y", "b"}
    ex.complete("x")
    ex.complete("b")
    assert ex.statuses()["j1"] == "IN_PROGRESS"
    ex.complete("y")
    assert ex.status == "COMPLETED"
