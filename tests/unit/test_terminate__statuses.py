"""TERMINATE ends the workflow with COMPLETED, FAILED or TERMINATED and its own output.

CONDUCTOR.md §4 TERMINATE and test-harness #25.
"""

from __future__ import annotations

import pytest

from .harness import Execution, fork, join, node, simple, switch, workflow


def terminate(status: object, output: object = None, reason: object = None, ref: str = "term") -> dict:
    params: dict = {"terminationStatus": status}
    if output is not None:
        params["workflowOutput"] = output
    if reason is not None:
        params["terminationReason"] = reason
    return node("TERMINATE", ref, inputParameters=params)


def test_completed_status_completes_the_workflow_with_the_workflow_output() -> None:
    doc = workflow(simple("t1"), terminate("COMPLETED", {"result": "${t1.output.v}"}), simple("never"))
    ex = Execution(doc)
    ex.complete("t1", {"v": 42})
    assert ex.status == "COMPLETED"
    assert dict(ex.wf.output) == {"result": 42}
    term = ex.task("term")
    assert term.status.value == "COMPLETED" and dict(term.output) == {"result": 42} and term.processed
    assert "never" not in ex.statuses()


def test_terminate_output_takes_precedence_over_output_parameters() -> None:
    doc = workflow(terminate("COMPLETED", {"from": "terminate"}), outputParameters={"from": "outputParameters"})
    ex = Execution(doc)
    assert dict(ex.wf.output) == {"from": "terminate"}


def test_scalar_workflow_output_is_wrapped_and_missing_output_is_empty() -> None:
    assert dict(Execution(workflow(terminate("COMPLETED", "plain"))).wf.output) == {"output": "plain"}
    assert dict(Execution(workflow(terminate("COMPLETED", [1, 2]))).wf.output) == {"output": [1, 2]}
    assert dict(Execution(workflow(terminate("COMPLETED"))).wf.output) == {}


def test_failed_status_fails_the_workflow_with_the_reason_and_starts_the_failure_workflow() -> None:
    doc = workflow(simple("t1"), terminate("FAILED", {"why": "x"}, "validation rejected"), failureWorkflow="fix")
    ex = Execution(doc)
    ex.complete("t1")
    assert ex.status == "FAILED" and ex.wf.reason == "validation rejected"
    assert dict(ex.wf.output) == {"why": "x"}
    assert ex.last.workflow is not None and ex.last.workflow.start_failure_workflow
    assert ex.statuses()["term"] == "COMPLETED"


def test_terminated_status_terminates_without_the_failure_workflow() -> None:
    ex = Execution(workflow(terminate("TERMINATED", reason="enough"), failureWorkflow="fix"))
    assert ex.status == "TERMINATED" and ex.wf.reason == "enough"
    assert ex.last.workflow is not None and not ex.last.workflow.start_failure_workflow


def test_blank_reason_gets_conductors_default_text() -> None:
    ex = Execution(workflow(terminate("COMPLETED")))
    assert ex.wf.reason == "Workflow is COMPLETED by TERMINATE task: t1"
    ex = Execution(workflow(terminate("FAILED", reason="")))
    assert ex.wf.reason == "Workflow is FAILED by TERMINATE task: t1"


def test_terminate_inside_a_switch_branch() -> None:
    doc = workflow(switch("sw", {"stop": [terminate("COMPLETED", {"stopped": True})]}, [simple("go")]),
                   simple("after"))
    ex = Execution(doc, {"case": "stop"})
    assert ex.status == "COMPLETED" and dict(ex.wf.output) == {"stopped": True}
    assert "after" not in ex.statuses()
    ex = Execution(doc, {"case": "other"})
    assert ex.status == "RUNNING" and ex.scheduled() == ["go"]


def test_terminate_status_can_be_wired_from_input() -> None:
    doc = workflow(node("TERMINATE", "term", inputParameters={"terminationStatus": "${workflow.input.s}"}))
    assert Execution(doc, {"s": "FAILED"}).status == "FAILED"
    assert Execution(doc, {"s": "COMPLETED"}).status == "COMPLETED"


def test_terminate_in_one_branch_cancels_the_other_branches() -> None:
    doc = workflow(fork("f", [simple("a"), terminate("TERMINATED", reason="abort")], [simple("b")]),
                   join("j", "term", "b"))
    ex = Execution(doc)
    ex.complete("a")
    assert ex.status == "TERMINATED"
    assert ex.statuses() == {"f": "COMPLETED", "a": "COMPLETED", "b": "CANCELED", "j": "CANCELED",
                             "term": "COMPLETED"}
    assert all(t.processed for t in ex.tasks)


@pytest.mark.parametrize("status", ["RUNNING", "PAUSED", "completed", None, 1])
def test_invalid_status_fails_the_task(status: object) -> None:
    ex = Execution(workflow(terminate(status), simple("after")))
    term = ex.task("term")
    assert term.status.value == "FAILED_WITH_TERMINAL_ERROR"
    assert "terminationStatus must be one of COMPLETED, FAILED, TERMINATED" in (term.reason or "")
    assert ex.status == "FAILED"


def test_terminate_after_an_optional_failure_still_completes() -> None:
    doc = workflow(simple("t1", optional=True), terminate("COMPLETED", {"ok": True}))
    ex = Execution(doc, {}, {"t1": {"name": "t1", "retryCount": 0}})
    ex.fail("t1")
    assert ex.status == "COMPLETED" and ex.failed_refs == ["t1"]
