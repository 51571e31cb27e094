"""HTTP, SUB_WORKFLOW, START_WORKFLOW and EVENT are only scheduled by the engine; a Celery runner
claims them, performs the effect and reports the result like a worker.

CONDUCTOR.md §4 (SUB_WORKFLOW input, TERMINATE inside a child ends only the child, EVENT with
asyncComplete), §6 (child status → parent task), test-harness #24, #25, #29, #32 (engine side).
"""

from __future__ import annotations

from typing import Any

import pytest

from orchestrator.systemtasks import registry

from .harness import Execution, node, simple, workflow

ASYNC = ["HTTP", "SUB_WORKFLOW", "START_WORKFLOW", "EVENT"]


def one(type_: str, **extra: Any) -> dict:
    return workflow(node(type_, "x", **extra), simple("after", inputParameters={"x": "${x.output}"}))


@pytest.mark.parametrize("type_", ASYNC)
def test_scheduled_for_a_runner_not_for_workers(type_: str) -> None:
    ex = Execution(one(type_))
    task = ex.task("x")
    assert ex.history() == [("x", "SCHEDULED")]
    assert registry.get(type_).is_async and not registry.is_worker_type(type_)
    assert task.domain is None and ex.next_wakeup is None
    with pytest.raises(AssertionError, match="is not a worker task"):
        ex.poll("x")
    assert ex.decide().is_empty  # the engine never starts them itself


@pytest.mark.parametrize("type_", ASYNC)
def test_the_runners_result_moves_the_workflow_on(type_: str) -> None:
    ex = Execution(one(type_))
    ex.claim("x")
    ex.complete("x", {"done": type_})
    assert ex.history() == [("x", "COMPLETED"), ("after", "SCHEDULED")]
    assert dict(ex.task("after").input) == {"x": {"done": type_}}


def test_sub_workflow_input_mirrors_conductor() -> None:
    doc = one("SUB_WORKFLOW", subWorkflowParam={"name": "child", "version": 3, "taskToDomain": {"*": "d"}},
              inputParameters={"a": "${workflow.input.a}", "b": 2})
    ex = Execution(doc, {"a": 1})
    assert dict(ex.task("x").input) == {
        "a": 1, "b": 2,
        "subWorkflowName": "child", "subWorkflowVersion": 3, "subWorkflowTaskToDomain": {"*": "d"},
        "subWorkflowDefinition": None, "workflowInput": {"a": 1, "b": 2},
    }


def test_sub_workflow_inline_definition_object_or_expression() -> None:
    child = {"name": "inline_child", "version": 1, "tasks": [simple("c1")]}
    ex = Execution(one("SUB_WORKFLOW", subWorkflowParam={"name": "inline_child", "workflowDefinition": child}))
    assert ex.task("x").input["subWorkflowDefinition"] == child
    doc = one("SUB_WORKFLOW", subWorkflowParam={"name": "c", "workflowDefinition": "${workflow.input.def}"})
    ex = Execution(doc, {"def": child})
    assert ex.task("x").input["subWorkflowDefinition"] == child


def test_terminate_inside_a_child_ends_only_the_child() -> None:
    child = Execution(workflow(node("TERMINATE", "stop", inputParameters={
        "terminationStatus": "COMPLETED", "workflowOutput": {"r": 1}}), simple("never")))
    assert child.status == "COMPLETED" and dict(child.wf.output) == {"r": 1}
    parent = Execution(one("SUB_WORKFLOW", subWorkflowParam={"name": "child"}))
    parent.claim("x")
    assert parent.status == "RUNNING" and parent.decide().is_empty
    # The runner reports the child's end to the parent task, which carries on.
    parent.complete("x", dict(child.wf.output))
    assert parent.status == "RUNNING" and parent.scheduled() == ["after"]


def test_a_terminated_child_cancels_the_parent_task_and_terminates_the_parent() -> None:
    parent = Execution(one("SUB_WORKFLOW", subWorkflowParam={"name": "child"}))
    parent.report("x", "CANCELED", reason="child terminated: operator")
    assert parent.status == "TERMINATED"
    x = parent.task("x")
    assert parent.wf.reason == f"Task {x.task_id} failed with status: TERMINATED and reason: 'child terminated: operator'"


def test_event_with_async_complete_stays_in_progress_until_updated() -> None:
    ex = Execution(one("EVENT", sink="conductor", asyncComplete=True))
    ex.claim("x")
    ex.report("x", "IN_PROGRESS", {"event_produced": "conductor:wf:x"})
    assert ex.history() == [("x", "IN_PROGRESS")] and ex.next_wakeup is None
    ex.complete("x", {"event_produced": "conductor:wf:x"})
    assert ex.scheduled() == ["after"]


@pytest.mark.parametrize("type_", ["HTTP", "SUB_WORKFLOW", "START_WORKFLOW", "EVENT"])
def test_retried_per_a_registered_task_def_only(type_: str) -> None:
    ex = Execution(one(type_, retryCount=2))
    ex.fail("x", "down")
    assert ex.status == "FAILED" and len(ex.attempts("x")) == 1
    ex = Execution(one(type_), {}, {"x": {"name": "x", "retryCount": 1, "retryDelaySeconds": 5}})
    ex.fail("x", "down")
    retry = ex.task("x")
    assert ex.history() == [("x", "FAILED"), ("x", "SCHEDULED")]
    assert retry.retry_count == 1 and (retry.available_at - ex.now).total_seconds() == 5
    assert ex.next_wakeup is None  # the runner picks it up; its delay is on the row


def test_sub_workflow_in_a_loop_body_starts_one_child_per_iteration() -> None:
    doc = workflow(node("DO_WHILE", "loop", loopCondition="$.loop['iteration'] < 2", loopOver=[
        node("SUB_WORKFLOW", "child", subWorkflowParam={"name": "c"}, inputParameters={"i": "${loop.output.iteration}"})]))
    ex = Execution(doc)
    assert ex.task("child__1").input["workflowInput"] == {"i": 1}
    ex.complete("child__1", {"r": 1})
    assert ex.task("child__2").input["workflowInput"] == {"i": 2} and ex.scheduled() == ["child__2"]
    ex.complete("child__2", {"r": 2})
    assert ex.status == "COMPLETED"
    assert dict(ex.task("loop").output) == {"iteration": 2, "1": {"child": {"r": 1}}, "2": {"child": {"r": 2}}}
