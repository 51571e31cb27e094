"""A FORK_JOIN that ends the workflow with no JOIN after it (the SDK's `workflow >> [[a], [b]]`).

Conductor accepts it and the workflow completes once every branch has; validation keeps WF.E031
as a warning there (and as an error anywhere else a fork lacks its JOIN).
"""

from __future__ import annotations

from orchestrator.engine.validation import check_workflow_def, errors
from orchestrator.systemtasks.registry import REGISTRY

from .harness import Execution, fork, join, node, simple, switch, workflow


def trailing_fork() -> dict:
    return workflow(simple("first"), fork("f", [simple("a"), simple("a2")], [simple("b")]))


def test_the_workflow_completes_only_when_every_branch_has() -> None:
    ex = Execution(trailing_fork())
    ex.complete("first")
    assert ex.scheduled() == ["a", "b"] and ex.status == "RUNNING"
    ex.complete("b", {"v": "b"})
    assert ex.status == "RUNNING" and ex.scheduled() == ["a"]
    ex.complete("a")
    assert ex.status == "RUNNING" and ex.scheduled() == ["a2"]
    ex.complete("a2", {"v": "a2"})
    assert ex.status == "COMPLETED"
    assert ex.statuses() == {"first": "COMPLETED", "f": "COMPLETED", "a": "COMPLETED", "b": "COMPLETED",
                             "a2": "COMPLETED"}


def test_a_failed_branch_still_fails_the_workflow() -> None:
    ex = Execution(trailing_fork())
    ex.complete("first")
    ex.fail("b", terminal=True)
    assert ex.status == "FAILED" and ex.statuses()["a"] == "CANCELED"


def test_a_trailing_dynamic_fork_completes_with_its_tasks() -> None:
    dyn = node("FORK_JOIN_DYNAMIC", "df", dynamicForkTasksParam="tasks", dynamicForkTasksInputParamName="inputs",
               inputParameters={"tasks": "${workflow.input.tasks}", "inputs": "${workflow.input.inputs}"})
    tasks = [{"name": "d", "taskReferenceName": "d1"}, {"name": "d", "taskReferenceName": "d2"}]
    ex = Execution(workflow(dyn), {"tasks": tasks, "inputs": {"d1": {}, "d2": {}}})
    assert ex.scheduled() == ["d1", "d2"]
    ex.complete("d1")
    assert ex.status == "RUNNING"
    ex.complete("d2")
    assert ex.status == "COMPLETED"


def test_validation_warns_at_the_end_and_refuses_elsewhere() -> None:
    (warning,) = check_workflow_def(trailing_fork(), REGISTRY)
    assert (warning.id, warning.severity, warning.path, warning.ref) == ("WF.E031", "warning", "$.tasks[1]", "f")
    assert errors([warning]) == [] and warning.as_dict()["severity"] == "warning"
    # Followed by something else than a JOIN, or last inside a SWITCH case: what comes after the
    # container would start beside the branches, so it stays an error.
    middle = workflow(fork("f", [simple("a")], [simple("b")]), simple("after"))
    nested = workflow(switch("s", {"x": [fork("f", [simple("a")], [simple("b")])]}), simple("after"))
    for doc in (middle, nested):
        (problem,) = check_workflow_def(doc, REGISTRY)
        assert (problem.id, problem.severity) == ("WF.E031", "error")
    assert check_workflow_def(workflow(fork("f", [simple("a")], [simple("b")]), join("j", "a", "b")), REGISTRY) == []
