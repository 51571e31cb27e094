"""HUMAN goes IN_PROGRESS and waits for someone to complete it (task API, update-by-ref, form).

CONDUCTOR.md §4 HUMAN and §6 (system task updates set the status as given).
"""

from __future__ import annotations

from .harness import Execution, node, simple, workflow


def human_flow() -> dict:
    return workflow(node("HUMAN", "approve", inputParameters={"amount": "${workflow.input.amount}"}),
                    simple("after", inputParameters={"decision": "${approve.output.decision}"}))


def test_stays_in_progress_without_timers_until_completed() -> None:
    ex = Execution(human_flow(), {"amount": 10})
    assert ex.history() == [("approve", "IN_PROGRESS")]
    task = ex.task("approve")
    assert dict(task.input) == {"amount": 10} and task.start_time is not None and task.domain is None
    assert not ex.pollable("approve") and ex.next_wakeup is None
    ex.advance(30 * 86400)  # no response timeout: nobody is polling it
    assert ex.decide().is_empty
    ex.complete("approve", {"decision": "yes"})
    assert ex.history() == [("approve", "COMPLETED"), ("after", "SCHEDULED")]
    assert dict(ex.task("after").input) == {"decision": "yes"}


def test_a_progress_update_keeps_it_in_progress_with_the_new_output() -> None:
    ex = Execution(human_flow())
    ex.report("approve", "IN_PROGRESS", {"seen_by": "ann"})
    task = ex.task("approve")
    assert task.status.value == "IN_PROGRESS" and dict(task.output) == {"seen_by": "ann"}
    assert ex.history() == [("approve", "IN_PROGRESS")]


def test_rejecting_it_fails_the_workflow() -> None:
    ex = Execution(human_flow())
    ex.fail("approve", "rejected")
    assert ex.status == "FAILED" and "rejected" in (ex.wf.reason or "")


def test_a_failed_human_task_is_asked_again_when_its_task_def_retries() -> None:
    ex = Execution(human_flow(), {}, {"approve": {"name": "approve", "retryCount": 1, "retryDelaySeconds": 0}})
    ex.fail("approve", "try again")
    assert ex.history() == [("approve", "FAILED"), ("approve", "IN_PROGRESS")]
    assert ex.task("approve").retry_count == 1


def test_completed_while_paused_the_workflow_moves_on_after_resume() -> None:
    ex = Execution(human_flow())
    ex.pause()
    ex.advance(60)
    ex.complete("approve", {"decision": "no"})
    assert ex.status == "PAUSED" and ex.history() == [("approve", "COMPLETED")]
    ex.resume()
    assert ex.scheduled() == ["after"]
