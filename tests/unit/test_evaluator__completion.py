"""How an execution ends: completion, terminal failures, optional tasks, and exactly-once decisions.

CONDUCTOR.md §6 and test-harness cases #3, #9 and #17.
"""

from __future__ import annotations

from dataclasses import replace

from orchestrator.engine.evaluator import end_workflow, evaluate
from orchestrator.engine.status import TaskStatus, WorkflowStatus

from .harness import Execution, MemoryHistory, fork, join, node, simple, workflow


def test_empty_definition_completes_immediately_with_no_tasks() -> None:
    """test-harness #17."""
    ex = Execution(workflow())
    assert ex.status == "COMPLETED"
    assert ex.tasks == [] and dict(ex.wf.output) == {}
    assert ex.last.next_wakeup is None


def test_empty_definition_still_evaluates_output_parameters() -> None:
    ex = Execution(workflow(outputParameters={"echo": "${workflow.input.x}"}), {"x": 1})
    assert ex.status == "COMPLETED" and dict(ex.wf.output) == {"echo": 1}


def test_without_output_parameters_the_output_is_the_last_tasks_output() -> None:
    ex = Execution(workflow(simple("t1"), simple("t2")))
    ex.complete("t1", {"a": 1})
    ex.complete("t2", {"b": 2})
    assert ex.status == "COMPLETED" and dict(ex.wf.output) == {"b": 2}


def test_workflow_ending_on_a_system_task_takes_its_output() -> None:
    doc = workflow(simple("t1"), node("INLINE", "calc", inputParameters={
        "evaluatorType": "graaljs", "expression": "$.x * 2", "x": "${t1.output.x}"}))
    ex = Execution(doc)
    ex.complete("t1", {"x": 21})
    assert ex.status == "COMPLETED" and dict(ex.wf.output) == {"result": 42}


def test_terminal_error_is_not_retried_and_fails_the_workflow() -> None:
    """test-harness #3: FAILED_WITH_TERMINAL_ERROR with retries left → no retry, workflow FAILED."""
    doc = workflow(simple("t1", "junit_task_1"), simple("t2"),
                   outputParameters={"o1": "${workflow.input.param1}", "o2": "${t1.output.detail}"})
    ex = Execution(doc, {"param1": "p1"}, {"junit_task_1": {"name": "junit_task_1", "retryCount": 1}})
    ex.fail("t1", "NON TRANSIENT ERROR OCCURRED: An integration point required to complete the task is down",
            terminal=True, output={"detail": "from the failed task"})
    assert ex.history() == [("t1", "FAILED_WITH_TERMINAL_ERROR")]
    assert ex.status == "FAILED"
    assert ex.wf.reason == (
        "Task t1 failed with status: FAILED and reason: "
        "'NON TRANSIENT ERROR OCCURRED: An integration point required to complete the task is down'"
    )
    assert ex.failed_refs == ["t1"] and ex.failed_task_names == ["junit_task_1"]
    assert dict(ex.wf.output) == {"o1": "p1", "o2": "from the failed task"}


def test_failure_without_output_parameters_takes_the_failed_tasks_output() -> None:
    """Conductor's updateWorkflowOutput(workflow, failedTask): output = that task's output."""
    ex = Execution(workflow(simple("t1"), simple("t2")))
    ex.complete("t1", {"first": 1})
    ex.fail("t2", "bad", terminal=True, output={"partial": True})
    assert ex.status == "FAILED" and dict(ex.wf.output) == {"partial": True}


def test_failure_cancels_other_pending_tasks() -> None:
    doc = workflow(fork("f", [simple("a")], [simple("b")]), join("j", "a", "b"))
    ex = Execution(doc)
    ex.fail("a", "nope", terminal=True)
    assert ex.status == "FAILED"
    assert ex.statuses() == {"f": "COMPLETED", "a": "FAILED_WITH_TERMINAL_ERROR",
                             "b": "CANCELED", "j": "CANCELED"}
    assert all(t.processed for t in ex.tasks)
    assert ex.task("b").end_time == ex.now


def test_failed_workflow_requests_the_failure_workflow() -> None:
    ex = Execution(workflow(simple("t1"), failureWorkflow="cleanup"))
    ex.fail("t1", "x", terminal=True)
    assert ex.last.workflow is not None and ex.last.workflow.start_failure_workflow


def test_completed_workflow_does_not_request_the_failure_workflow() -> None:
    ex = Execution(workflow(simple("t1"), failureWorkflow="cleanup"))
    ex.complete("t1")
    assert ex.last.workflow is not None and not ex.last.workflow.start_failure_workflow


def test_optional_task_failing_every_attempt_completes_with_errors_and_the_flow_continues() -> None:
    """test-harness #9."""
    doc = workflow(simple("t1", "opt", optional=True), simple("t2", inputParameters={"s": "${t1.status}"}))
    ex = Execution(doc, {}, {"opt": {"name": "opt", "retryCount": 1, "retryDelaySeconds": 0}})
    ex.fail("t1", "first")
    assert ex.history() == [("t1", "FAILED"), ("t1", "SCHEDULED")]
    ex.fail("t1", "second")
    assert ex.history() == [("t1", "FAILED"), ("t1", "COMPLETED_WITH_ERRORS"), ("t2", "SCHEDULED")]
    assert ex.task("t2").input["s"] == "COMPLETED_WITH_ERRORS"
    assert ex.task("t1").reason == "second"
    ex.complete("t2")
    assert ex.status == "COMPLETED"
    assert ex.failed_refs == ["t1"] and ex.failed_task_names == ["opt"]
    assert ex.wf.reason is None


def test_optional_task_with_terminal_error_completes_with_errors() -> None:
    ex = Execution(workflow(simple("t1", optional=True), simple("t2")))
    ex.fail("t1", "fatal", terminal=True)
    assert ex.statuses() == {"t1": "COMPLETED_WITH_ERRORS", "t2": "SCHEDULED"}


def test_repeated_decides_without_changes_create_nothing() -> None:
    doc = workflow(fork("f", [simple("a")], [simple("b")]), join("j", "a", "b"), simple("c"))
    ex = Execution(doc)
    before = list(ex.tasks)
    for _ in range(3):
        outcome = ex.decide()
        assert outcome.is_empty
        assert list(outcome.created) == [] and list(outcome.changed) == []
    assert ex.tasks == before
    ex.complete("a")
    ex.complete("b")
    for _ in range(3):
        assert ex.decide().is_empty
    assert ex.history() == [("f", "COMPLETED"), ("a", "COMPLETED"), ("b", "COMPLETED"), ("j", "COMPLETED"),
                            ("c", "SCHEDULED")]


def test_a_finished_task_is_processed_exactly_once() -> None:
    ex = Execution(workflow(simple("t1"), simple("t2")))
    ex.complete("t1")
    assert ex.task("t1").processed
    assert ex.task("t1") not in ex.open_tasks()
    ex.decide()
    assert ex.refs() == ["t1", "t2"]


def test_evaluating_the_same_state_twice_gives_the_same_plan() -> None:
    """The evaluator is a pure function of (definition, state, now, ids, history, task defs)."""
    doc = workflow(fork("f", [simple("a")], [simple("b"), simple("b2")]), join("j", "a", "b2"))
    ex = Execution(doc)
    polled = ex.poll("b")
    ex.tasks[ex.tasks.index(polled)] = replace(polled, status=TaskStatus.COMPLETED, end_time=ex.now)
    state = ex.state()
    first = evaluate(ex.defn, state, replace(ex.env(MemoryHistory(ex)), new_id=iter(["x1", "x2"]).__next__))
    second = evaluate(ex.defn, state, replace(ex.env(MemoryHistory(ex)), new_id=iter(["x1", "x2"]).__next__))
    assert first == second
    assert [t.ref for t in first.created] == ["b2"] and [t.task_id for t in first.created] == ["x1"]


def test_attempt_keys_are_unique_across_retries() -> None:
    ex = Execution(workflow(simple("t1")), {}, {"t1": {"name": "t1", "retryCount": 2, "retryDelaySeconds": 0}})
    ex.fail("t1")
    ex.fail("t1")
    ex.complete("t1")
    keys = [(t.ref, t.iteration, t.retry_count) for t in ex.tasks]
    assert keys == [("t1", 0, 0), ("t1", 0, 1), ("t1", 0, 2)]
    assert len({t.task_id for t in ex.tasks}) == 3
    assert ex.status == "COMPLETED"


def test_terminal_workflow_is_never_evaluated_again() -> None:
    ex = Execution(workflow(simple("t1")))
    ex.complete("t1")
    assert ex.status == "COMPLETED"
    outcome = ex.decide()
    assert outcome.is_empty and outcome.next_wakeup is None and outcome.seq == ex.wf.seq


def test_canceled_result_terminates_the_workflow_and_requests_the_failure_workflow() -> None:
    """CONDUCTOR.md §6: a task ending CANCELED without retry → TERMINATED (terminated by a task)."""
    ex = Execution(workflow(simple("t1"), simple("t2"), failureWorkflow="cleanup"))
    ex.report("t1", "CANCELED", {}, "child gone")
    assert ex.status == "TERMINATED"
    assert ex.wf.reason == "Task t1 failed with status: TERMINATED and reason: 'child gone'"
    assert ex.last.workflow is not None and ex.last.workflow.start_failure_workflow


def test_terminate_api_cancels_pending_tasks_and_computes_output() -> None:
    doc = workflow(simple("t1"), simple("t2"), outputParameters={"first": "${t1.output.v}"}, failureWorkflow="f")
    ex = Execution(doc)
    ex.complete("t1", {"v": 1})
    outcome = end_workflow(ex.defn, ex.state(), ex.env(MemoryHistory(ex)),
                           WorkflowStatus.TERMINATED, "stop")
    ex.apply(outcome)
    assert ex.status == "TERMINATED" and ex.wf.reason == "stop"
    assert ex.statuses() == {"t1": "COMPLETED", "t2": "CANCELED"}
    assert dict(ex.wf.output) == {"first": 1}
    assert outcome.workflow is not None and not outcome.workflow.start_failure_workflow
    assert list(outcome.created) == []


def test_terminate_api_requests_the_failure_workflow_only_when_asked() -> None:
    ex = Execution(workflow(simple("t1"), failureWorkflow="f"))
    outcome = end_workflow(ex.defn, ex.state(), ex.env(MemoryHistory(ex)),
                           WorkflowStatus.TERMINATED, "stop", trigger_failure_workflow=True)
    assert outcome.workflow is not None and outcome.workflow.start_failure_workflow


def test_completion_records_failed_optional_tasks_but_no_reason() -> None:
    ex = Execution(workflow(simple("t1", optional=True)), {}, {"t1": {"name": "t1", "retryCount": 0}})
    ex.fail("t1", "soft")
    assert ex.status == "COMPLETED" and ex.failed_refs == ["t1"] and ex.wf.reason is None


def test_state_tasks_may_arrive_in_any_order() -> None:
    ex = Execution(workflow(fork("f", [simple("a")], [simple("b")]), join("j", "a", "b"), simple("c")))
    ex.poll("a")
    ex.poll("b")
    ex.tasks = [replace(t, status=TaskStatus.COMPLETED, end_time=ex.now) if t.ref in ("a", "b") else t
                for t in ex.tasks]
    ex.tasks.reverse()
    ex.decide()
    assert ex.statuses()["j"] == "COMPLETED" and ex.scheduled() == ["c"]
