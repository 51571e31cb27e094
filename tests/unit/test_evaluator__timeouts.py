"""Response, task, poll and workflow timeouts, callbacks, and the next_wakeup they produce.

CONDUCTOR.md §3 (timeoutSeconds, responseTimeoutSeconds, pollTimeoutSeconds, timeoutPolicy),
§1 (workflow timeoutSeconds/timeoutPolicy) and test-harness #5, #6, #12 and #13.
"""

from __future__ import annotations

from datetime import timedelta

from orchestrator.engine.status import TaskStatus

from .harness import Execution, fork, join, simple, workflow


def one_task(**tdef: object) -> Execution:
    return Execution(workflow(simple("t1", "work"), simple("t2")), {}, {"work": {"name": "work", **tdef}})


# -- response timeout (#5) -----------------------------------------------------------------------


def test_silent_worker_times_out_after_response_timeout_and_a_new_attempt_is_scheduled() -> None:
    ex = one_task(responseTimeoutSeconds=10, retryDelaySeconds=0)
    ex.poll("t1")
    ex.advance(9)
    ex.decide()
    assert ex.statuses() == {"t1": "IN_PROGRESS"}
    ex.advance(2)
    ex.decide()
    first, second = ex.attempts("t1")
    assert first.status == TaskStatus.TIMED_OUT and first.reason == "responseTimeoutSeconds: 10 exceeded"
    assert first.end_time == ex.now
    assert second.status == TaskStatus.SCHEDULED and second.retry_count == 1
    assert ex.status == "RUNNING"


def test_in_progress_task_cannot_be_polled_again() -> None:
    ex = one_task(responseTimeoutSeconds=10)
    ex.poll("t1")
    assert not ex.pollable("t1")


def test_next_wakeup_is_the_lease_end_of_an_in_progress_task() -> None:
    ex = one_task(responseTimeoutSeconds=10)
    assert ex.last.next_wakeup is None  # SCHEDULED tasks wait for pollers, not for a timer
    ex.poll("t1")
    ex.advance(3)
    assert ex.decide().next_wakeup == ex.now + timedelta(seconds=7)


def test_extend_lease_moves_the_response_deadline() -> None:
    from dataclasses import replace

    ex = one_task(responseTimeoutSeconds=10)
    ex.poll("t1")
    ex.advance(8)
    task = ex.task("t1")
    ex.tasks[ex.tasks.index(task)] = replace(task, update_time=ex.now)
    ex.advance(8)
    outcome = ex.decide()
    assert ex.statuses() == {"t1": "IN_PROGRESS"}
    assert outcome.next_wakeup == ex.now + timedelta(seconds=2)


def test_response_timeout_with_no_retries_left_times_the_workflow_out() -> None:
    ex = one_task(responseTimeoutSeconds=5, retryCount=0)
    ex.poll("t1")
    ex.advance(5)
    ex.decide()
    t1 = ex.task("t1")
    assert ex.status == "TIMED_OUT"
    assert ex.wf.reason == f"Task {t1.task_id} failed with status: TIMED_OUT and reason: '{t1.reason}'"
    assert ex.failed_refs == ["t1"]


def test_late_result_for_a_timed_out_attempt_is_rejected() -> None:
    import pytest

    from orchestrator.engine.results import ResultRejected, TaskResult, apply_result

    ex = one_task(responseTimeoutSeconds=5, retryDelaySeconds=0)
    ex.poll("t1")
    ex.advance(6)
    ex.decide()
    timed_out = ex.attempts("t1")[0]
    with pytest.raises(ResultRejected):
        apply_result(timed_out, TaskResult(status=TaskStatus.COMPLETED, output={}), ex.now, is_worker=True)


# -- IN_PROGRESS + callbackAfterSeconds (#6) -----------------------------------------------------


def test_in_progress_with_callback_goes_back_to_scheduled_until_the_delay_passes() -> None:
    ex = one_task()
    ex.report("t1", "IN_PROGRESS", {"progress": 50}, callback=2)
    t1 = ex.task("t1")
    assert t1.status == TaskStatus.SCHEDULED and dict(t1.output) == {"progress": 50}
    assert t1.callback_after_seconds == 2 and t1.poll_count == 1
    assert ex.refs() == ["t1"]
    assert not ex.pollable("t1")
    ex.advance(1)
    assert not ex.pollable("t1")
    ex.advance(1)
    assert ex.pollable("t1")
    polled = ex.poll("t1")
    assert polled.poll_count == 2 and polled.callback_after_seconds == 0
    ex.complete("t1", {"done": True})
    assert ex.statuses() == {"t1": "COMPLETED", "t2": "SCHEDULED"}


def test_requeued_task_has_no_response_deadline() -> None:
    ex = one_task(responseTimeoutSeconds=5)
    ex.report("t1", "IN_PROGRESS", {}, callback=60)
    assert ex.last.next_wakeup is None
    ex.advance(30)
    ex.decide()
    assert ex.statuses() == {"t1": "SCHEDULED"}


# -- task timeoutSeconds and its policies (#12) --------------------------------------------------


def test_task_timeout_with_retry_policy_retries_then_times_the_workflow_out() -> None:
    ex = one_task(timeoutSeconds=30, responseTimeoutSeconds=30, timeoutPolicy="RETRY", retryCount=1,
                  retryDelaySeconds=0)
    ex.poll("t1")
    ex.advance(30)
    ex.decide()
    first = ex.attempts("t1")[0]
    assert first.status == TaskStatus.TIMED_OUT and first.reason == "Task timed out after 30 seconds"
    assert ex.task("t1").status == TaskStatus.SCHEDULED and ex.status == "RUNNING"
    ex.poll("t1")
    ex.advance(30)
    ex.decide()
    assert ex.history() == [("t1", "TIMED_OUT"), ("t1", "TIMED_OUT")]
    assert ex.status == "TIMED_OUT"


def test_task_timeout_with_time_out_wf_policy_ends_the_workflow_at_once() -> None:
    ex = one_task(timeoutSeconds=30, responseTimeoutSeconds=30, timeoutPolicy="TIME_OUT_WF", retryCount=3)
    ex.poll("t1")
    ex.advance(30)
    ex.decide()
    t1 = ex.task("t1")
    assert ex.history() == [("t1", "TIMED_OUT")]
    assert ex.status == "TIMED_OUT"
    assert ex.wf.reason == f"Task {t1.task_id} timed out: Task timed out after 30 seconds"
    assert ex.failed_refs == ["t1"]


def test_task_timeout_with_alert_only_keeps_running() -> None:
    ex = one_task(timeoutSeconds=30, responseTimeoutSeconds=100, timeoutPolicy="ALERT_ONLY")
    ex.poll("t1")
    ex.advance(31)
    outcome = ex.decide()
    assert ex.statuses() == {"t1": "IN_PROGRESS"} and ex.status == "RUNNING"
    # Only the lease is left to watch: a passed alert-only deadline must not ask for an
    # immediate wakeup on every evaluation.
    assert outcome.next_wakeup == ex.task("t1").start_time + timedelta(seconds=100)
    ex.complete("t1")
    assert ex.statuses() == {"t1": "COMPLETED", "t2": "SCHEDULED"}


def test_alert_only_task_still_times_out_on_its_response_timeout() -> None:
    ex = one_task(timeoutSeconds=30, responseTimeoutSeconds=60, timeoutPolicy="ALERT_ONLY", retryDelaySeconds=0)
    ex.poll("t1")
    ex.advance(60)
    ex.decide()
    assert ex.history() == [("t1", "TIMED_OUT"), ("t1", "SCHEDULED")]


def test_alert_only_poll_timeout_changes_nothing_and_sets_no_timer() -> None:
    ex = one_task(pollTimeoutSeconds=10, timeoutPolicy="ALERT_ONLY")
    assert ex.last.next_wakeup is None
    ex.advance(11)
    assert ex.decide().is_empty
    assert ex.statuses() == {"t1": "SCHEDULED"}


def test_task_timeout_counts_from_the_first_poll_across_callbacks() -> None:
    """Conductor's checkTaskTimeout applies to any started, non-terminal task, SCHEDULED included."""
    ex = one_task(timeoutSeconds=30, responseTimeoutSeconds=30, timeoutPolicy="TIME_OUT_WF")
    ex.report("t1", "IN_PROGRESS", {}, callback=20)
    assert ex.last.next_wakeup == ex.now + timedelta(seconds=30)
    ex.advance(20)
    ex.poll("t1")
    ex.report("t1", "IN_PROGRESS", {}, callback=20)
    ex.advance(10)
    ex.decide()
    assert ex.statuses() == {"t1": "TIMED_OUT"} and ex.status == "TIMED_OUT"


def test_task_timeout_allows_for_the_start_delay() -> None:
    """CONDUCTOR.md §3: timeoutSeconds is measured from startTime (+startDelay)."""
    doc = workflow(simple("t1", "work", startDelay=10))
    ex = Execution(doc, {}, {"work": {"name": "work", "timeoutSeconds": 30, "responseTimeoutSeconds": 100}})
    ex.advance(10)
    ex.poll("t1")
    ex.advance(30)
    ex.decide()
    assert ex.statuses() == {"t1": "IN_PROGRESS"}
    ex.advance(10)
    ex.decide()
    assert ex.status == "TIMED_OUT"


def test_next_wakeup_is_the_earlier_of_lease_end_and_task_timeout() -> None:
    ex = one_task(timeoutSeconds=30, responseTimeoutSeconds=20)
    ex.poll("t1")
    assert ex.decide().next_wakeup == ex.now + timedelta(seconds=20)
    ex2 = one_task(timeoutSeconds=15, responseTimeoutSeconds=20)
    ex2.poll("t1")
    assert ex2.decide().next_wakeup == ex2.now + timedelta(seconds=15)


# -- poll timeout ----------------------------------------------------------------------------------


def test_poll_timeout_times_out_a_task_nobody_polls() -> None:
    ex = one_task(pollTimeoutSeconds=10, timeoutPolicy="RETRY", retryCount=1, retryDelaySeconds=0)
    assert ex.last.next_wakeup == ex.now + timedelta(seconds=10)
    ex.advance(10)
    ex.decide()
    first, second = ex.attempts("t1")
    assert first.status == TaskStatus.TIMED_OUT and first.reason == "Task poll timed out after 10 seconds"
    assert second.status == TaskStatus.SCHEDULED


def test_poll_timeout_counts_from_when_the_task_becomes_pollable() -> None:
    ex = one_task(pollTimeoutSeconds=10, retryDelaySeconds=30, timeoutPolicy="RETRY")
    ex.fail("t1")
    assert ex.last.next_wakeup == ex.now + timedelta(seconds=40)


# -- workflow timeout (#13) ------------------------------------------------------------------------


def test_workflow_timeout_time_out_wf_cancels_pending_tasks() -> None:
    ex = Execution(workflow(simple("t1"), simple("t2"), timeoutSeconds=5, timeoutPolicy="TIME_OUT_WF"))
    assert ex.last.next_wakeup == ex.now + timedelta(seconds=5)
    ex.advance(4)
    ex.decide()
    assert ex.status == "RUNNING"
    ex.advance(2)
    ex.decide()
    assert ex.status == "TIMED_OUT"
    assert ex.wf.reason == "Workflow timed out after 5 seconds"
    assert ex.statuses() == {"t1": "CANCELED"}
    assert ex.last.next_wakeup is None


def test_workflow_timeout_wins_over_a_result_that_arrives_too_late() -> None:
    ex = Execution(workflow(simple("t1"), simple("t2"), timeoutSeconds=5, timeoutPolicy="TIME_OUT_WF"))
    ex.advance(6)
    ex.complete("t1")
    assert ex.status == "TIMED_OUT" and ex.refs() == ["t1"]


def test_workflow_timeout_alert_only_keeps_running() -> None:
    ex = Execution(workflow(simple("t1"), timeoutSeconds=5, timeoutPolicy="ALERT_ONLY"))
    assert ex.last.next_wakeup is None
    ex.advance(60)
    ex.decide()
    assert ex.status == "RUNNING"


def test_workflow_timeout_defaults_to_alert_only() -> None:
    ex = Execution(workflow(simple("t1"), timeoutSeconds=5))
    ex.advance(60)
    ex.decide()
    assert ex.status == "RUNNING"


def test_workflow_timeout_clock_restarts_at_the_last_retry_or_resume() -> None:
    ex = Execution(workflow(simple("t1"), timeoutSeconds=5, timeoutPolicy="TIME_OUT_WF"))
    ex.advance(4)
    ex.pause()
    ex.resume()
    assert ex.last.next_wakeup == ex.now + timedelta(seconds=5)
    ex.advance(4)
    ex.decide()
    assert ex.status == "RUNNING"


def test_next_wakeup_is_the_earliest_deadline_across_branches() -> None:
    doc = workflow(fork("f", [simple("a", "slow")], [simple("b", "fast")]), join("j", "a", "b"),
                   timeoutSeconds=100, timeoutPolicy="TIME_OUT_WF")
    defs = {"slow": {"name": "slow", "responseTimeoutSeconds": 50}, "fast": {"name": "fast", "responseTimeoutSeconds": 7}}
    ex = Execution(doc, {}, defs)
    assert ex.last.next_wakeup == ex.now + timedelta(seconds=100)
    ex.poll("a")
    ex.poll("b")
    assert ex.decide().next_wakeup == ex.now + timedelta(seconds=7)


def test_a_timeout_is_acted_on_exactly_once() -> None:
    ex = one_task(responseTimeoutSeconds=5, retryDelaySeconds=0)
    ex.poll("t1")
    ex.advance(5)
    ex.decide()
    for _ in range(3):
        assert ex.decide().is_empty
    ex.advance(100)
    assert ex.decide().is_empty  # the new attempt is SCHEDULED: no lease running
    assert ex.history() == [("t1", "TIMED_OUT"), ("t1", "SCHEDULED")]
