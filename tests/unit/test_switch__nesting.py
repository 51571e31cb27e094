"""Nested SWITCHes, the deprecated DECISION, and a SWITCH leading into a FORK (test-harness #19)."""

from __future__ import annotations

from .harness import Execution, fork, join, simple, switch, workflow


def nested() -> dict:
    inner = switch("inner", {"x": [simple("ix1"), simple("ix2")], "y": [simple("iy")]}, [simple("idflt")],
                   value="${workflow.input.inner}")
    return workflow(
        switch("outer", {"a": [simple("a1"), inner], "b": [simple("b1")]}, value="${workflow.input.outer}"),
        simple("last"),
    )


def test_nested_switch_runs_the_inner_case_then_returns_to_the_top_level() -> None:
    ex = Execution(nested(), {"outer": "a", "inner": "x"})
    ex.complete("a1")
    assert ex.statuses()["inner"] == "COMPLETED" and ex.scheduled() == ["ix1"]
    ex.complete("ix1")
    ex.complete("ix2")
    assert ex.scheduled() == ["last"]
    ex.complete("last")
    assert ex.status == "COMPLETED"
    assert ex.refs() == ["outer", "a1", "inner", "ix1", "ix2", "last"]


def test_nested_switch_default_and_other_outer_case() -> None:
    ex = Execution(nested(), {"outer": "a", "inner": "?"})
    ex.complete("a1")
    ex.complete("idflt")
    assert ex.scheduled() == ["last"]
    ex = Execution(nested(), {"outer": "b"})
    ex.complete("b1")
    assert ex.scheduled() == ["last"]
    assert "inner" not in ex.statuses()


def test_inner_switch_with_no_match_continues_after_the_outer_switch() -> None:
    doc = workflow(switch("outer", {"a": [switch("inner", {"x": [simple("ix")]}, value="nope")]}), simple("last"))
    ex = Execution(doc, {"case": "a"})
    assert ex.statuses() == {"outer": "COMPLETED", "inner": "COMPLETED", "last": "SCHEDULED"}


def test_switch_case_ending_in_a_fork_join_continues_after_the_switch() -> None:
    """'SWITCH leading into a FORK' from test-harness #19."""
    doc = workflow(
        switch("sw", {"par": [fork("f", [simple("a")], [simple("b")]), join("j", "a", "b")]}, [simple("solo")]),
        simple("last"),
    )
    ex = Execution(doc, {"case": "par"})
    assert ex.statuses() == {"sw": "COMPLETED", "f": "COMPLETED", "a": "SCHEDULED", "b": "SCHEDULED",
                             "j": "IN_PROGRESS"}
    ex.complete("b", {"b": 1})
    assert "last" not in ex.statuses()
    ex.complete("a", {"a": 1})
    assert ex.statuses()["j"] == "COMPLETED" and ex.scheduled() == ["last"]
