"""The mini-diagram's steps and the context summary, from a definition and statuses (pure)."""

from __future__ import annotations

from orchestrator.humantasks import context, outline
from orchestrator.systemtasks.human import Human

FORKED = {"tasks": [
    {"name": "fetch", "taskReferenceName": "fetch", "type": "SIMPLE"},
    {"name": "split", "taskReferenceName": "split", "type": "FORK_JOIN", "forkTasks": [
        [{"name": "legal", "taskReferenceName": "legal", "type": "HUMAN"}],
        [{"name": "check", "taskReferenceName": "check", "type": "SWITCH", "decisionCases": {
            "a": [{"name": "deep", "taskReferenceName": "deep", "type": "HUMAN"}]}}]]},
    {"name": "join", "taskReferenceName": "join", "type": "JOIN"},
    {"name": "pay", "taskReferenceName": "pay", "type": "SIMPLE"}]}


def test_a_nested_human_task_marks_the_top_level_step_that_holds_it() -> None:
    steps = outline.steps(FORKED, {"fetch": "COMPLETED", "split": "IN_PROGRESS"}, "deep")
    assert [(s.ref, s.status, s.here, s.inner) for s in steps] == [
        ("fetch", "COMPLETED", False, 0), ("split", "IN_PROGRESS", True, 3),
        ("join", outline.NOT_REACHED, False, 0), ("pay", outline.NOT_REACHED, False, 0)]


def test_a_top_level_human_task_is_its_own_step_and_others_are_not_marked() -> None:
    steps = outline.steps({"tasks": [{"taskReferenceName": "a", "type": "HUMAN"}, "junk"]}, {}, "a")
    assert [(s.name, s.task_type, s.here) for s in steps] == [("a", "HUMAN", True)]
    assert not any(s.here for s in outline.steps(FORKED, {}, "elsewhere"))


def test_the_context_summary_keeps_strings_and_pretty_prints_the_rest() -> None:
    items = context.summary({"contextParameters": {"Amount": 12, "Who": "ann", "Lines": [1], "None": None}})
    assert items is not None
    assert [(i.label, i.text, i.block) for i in items] == [
        ("Amount", "12", False), ("Who", "ann", False), ("Lines", "[\n  1\n]", True), ("None", "—", False)]
    assert context.summary({"amount": 1}) is None
    assert context.summary({"contextParameters": "flat"}) == [context.Item("Context", "flat", False)]


def check(value: object) -> list[str]:
    task = {"name": "h", "taskReferenceName": "h", "type": "HUMAN", "inputParameters": {"contextParameters": value}}
    return [p.id for p in Human().validate(task, "$.tasks[0]", "h")]


def test_context_parameters_must_be_an_object_of_labels() -> None:
    assert check({"Amount": "${workflow.input.amount}", "Fixed": 3}) == []
    assert check("${workflow.input.context}") == []
    assert check(["${workflow.input.amount}"]) == ["WF.E074"]
    assert check({" ": "${workflow.input.amount}"}) == ["WF.E074"]
