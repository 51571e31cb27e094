"""EXCLUSIVE_JOIN after a DECISION/SWITCH continues with whichever case ran.

CONDUCTOR.md §4 EXCLUSIVE_JOIN (`joinOn` one ref per exclusive path, `defaultExclusiveJoinTask`
when none of them ran; output = that task's output).
"""

from __future__ import annotations

from typing import Any

from .harness import Execution, node, simple, switch, workflow


def decision_flow(**extra: Any) -> dict:
    return workflow(
        simple("before"),
        node("DECISION", "d", caseValueParam="c", inputParameters={"c": "${workflow.input.c}"},
             decisionCases={"a": [simple("a1"), simple("a2")], "b": [simple("b1")]}),
        node("EXCLUSIVE_JOIN", "ej", joinOn=["a2", "b1"], **extra),
        simple("after", inputParameters={"joined": "${ej.output}"}),
    )


def test_completes_with_the_output_of_the_case_that_ran() -> None:
    ex = Execution(decision_flow(), {"c": "a"})
    ex.complete("before")
    ex.complete("a1")
    assert "ej" not in ex.statuses()
    ex.complete("a2", {"v": "a"})
    assert ex.statuses()["ej"] == "COMPLETED"
    assert dict(ex.task("ej").output) == {"v": "a"} and dict(ex.task("after").input) == {"joined": {"v": "a"}}


def test_the_other_case() -> None:
    ex = Execution(decision_flow(), {"c": "b"})
    ex.complete("before")
    ex.complete("b1", {"v": "b"})
    assert ex.history() == [("before", "COMPLETED"), ("d", "COMPLETED"), ("b1", "COMPLETED"), ("ej", "COMPLETED"),
                            ("after", "SCHEDULED")]
    assert dict(ex.task("after").input) == {"joined": {"v": "b"}}


def test_falls_back_to_the_default_exclusive_join_task() -> None:
    ex = Execution(decision_flow(defaultExclusiveJoinTask=["before"]), {"c": "none"})
    ex.complete("before", {"v": "default"})
    assert ex.statuses()["ej"] == "COMPLETED" and dict(ex.task("ej").output) == {"v": "default"}


def test_waits_when_nothing_it_joins_on_ran() -> None:
    # Conductor's ExclusiveJoin stays IN_PROGRESS when no joinOn or default task is terminal.
    ex = Execution(decision_flow(), {"c": "none"})
    ex.complete("before")
    assert ex.statuses()["ej"] == "IN_PROGRESS" and ex.status == "RUNNING"


def test_after_a_switch_inside_a_loop() -> None:
    doc = workflow(node("DO_WHILE", "loop", loopCondition="$.loop['iteration'] < 2", loopOver=[
        switch("sw", {"1": [simple("one")], "2": [simple("two")]}, value="${loop.output.iteration}"),
        node("EXCLUSIVE_JOIN", "ej", joinOn=["one", "two"]),
    ]))
    ex = Execution(doc)
    ex.complete("one__1", {"n": 1})
    assert dict(ex.task("ej__1").output) == {"n": 1}
    ex.complete("two__2", {"n": 2})
    assert ex.status == "COMPLETED" and dict(ex.task("ej__2").output) == {"n": 2}
