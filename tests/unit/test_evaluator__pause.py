"""A PAUSED workflow: results are recorded, nothing is scheduled until it is RUNNING again.

CONDUCTOR.md §6 (RUNNING ⇄ PAUSED, decider loop "stop if PAUSED") and test-harness #16.
"""

from __future__ import annotations

from datetime import timedelta

from orchestrator.engine.status import WorkflowStatus

from .harness import Execution, fork, join, node, simple, workflow


def test_completing_a_task_while_paused_schedules_nothing() -> None:
    ex = Execution(workflow(simple("t1"), simple("t2")))
    ex.pause()
    ex.complete("t1", {"v": 1})
    assert ex.statuses() == {"t1": "COMPLETED"}
    assert not ex.task("t1").processed
    assert ex.status == "PAUSED"
    for _ in range(2):
        assert ex.decide().is_empty


def test_resume_schedules_the_successor() -> None:
    ex = Execution(workflow(simple("t1"), simple("t2", inputParameters={"v": "${t1.output.v}"})))
    ex.pause()
    ex.complete("t1", {"v": 1})
    ex.resume()
    assert ex.statuses() == {"t1": "COMPLETED", "t2": "SCHEDULED"}
    assert ex.task("t2").input["v"] == 1


def test_workflow_constructed_paused_does_not_complete_even_when_everything_is_done() -> None:
    ex = Execution(workflow(simple("t1")))
    ex.pause()
    ex.complete("t1")
    assert ex.status == "PAUSED" and ex.last.workflow is None
    ex.resume()
    assert ex.status == "COMPLETED"


def test_failure_while_paused_is_neither_retried_nor_fatal_until_resume() -> None:
    ex = Execution(workflow(simple("t1")), {}, {"t1": {"name": "t1", "retryCount": 1, "retryDelaySeconds": 0}})
    ex.pause()
    ex.fail("t1", "oops")
    assert ex.history() == [("t1", "FAILED")] and ex.status == "PAUSED"
    ex.resume()
    assert ex.history() == [("t1", "FAILED"), ("t1", "SCHEDULED")]


def test_worker_tasks_do_not_time_out_while_paused() -> None:
    ex = Execution(workflow(simple("t1", "work")), {},
                   {"work": {"name": "work", "responseTimeoutSeconds": 5, "timeoutSeconds": 10, "retryDelaySeconds": 0}})
    ex.poll("t1")
    ex.pause()
    ex.advance(60)
    outcome = ex.decide()
    assert outcome.is_empty and outcome.next_wakeup is None
    assert ex.statuses() == {"t1": "IN_PROGRESS"} and ex.status == "PAUSED"
    ex.resume()
    assert ex.status == "TIMED_OUT"  # timeoutPolicy defaults to TIME_OUT_WF


def test_workflow_timeout_still_applies_while_paused() -> None:
    ex = Execution(workflow(simple("t1"), timeoutSeconds=10, timeoutPolicy="TIME_OUT_WF"))
    ex.pause()
    assert ex.decide().next_wakeup == ex.now + timedelta(seconds=10)
    ex.advance(10)
    ex.decide()
    assert ex.status == "TIMED_OUT" and ex.statuses() == {"t1": "CANCELED"}


def test_join_checks_but_does_not_continue_while_paused() -> None:
    ex = Execution(workflow(fork("f", [simple("a")], [simple("b")]), join("j", "a", "b"), simple("c")))
    ex.pause()
    ex.complete("a")
    ex.complete("b")
    assert "c" not in ex.statuses()
    ex.resume()
    assert ex.statuses() == {"f": "COMPLETED", "a": "COMPLETED", "b": "COMPLETED", "j": "COMPLETED",
                             "c": "SCHEDULED"}


def test_sync_successors_run_on_resume() -> None:
    doc = workflow(simple("t1"), node("SET_VARIABLE", "sv", inputParameters={"x": "${t1.output.x}"}),
                   simple("t2", inputParameters={"x": "${workflow.variables.x}"}))
    ex = Execution(doc)
    ex.pause()
    ex.complete("t1", {"x": 5})
    ex.resume()
    assert ex.statuses() == {"t1": "COMPLETED", "sv": "COMPLETED", "t2": "SCHEDULED"}
    assert ex.task("t2").input["x"] == 5 and dict(ex.wf.variables) == {"x": 5}


def test_status_value_is_paused_in_the_state_the_evaluator_sees() -> None:
    ex = Execution(workflow(simple("t1")))
    ex.pause()
    assert ex.state().status == WorkflowStatus.PAUSED
