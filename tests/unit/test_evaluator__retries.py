"""Worker task retries driven through the evaluator: new attempts, delays, exhaustion.

CONDUCTOR.md §3 (retryCount, retryLogic, retryDelaySeconds), §6 (retry) and test-harness #7.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from orchestrator.engine.status import TaskStatus

from .harness import T0, Execution, node, simple, workflow


def retrying(retry_count: int, logic: str = "FIXED", delay: int = 10, **extra: object) -> Execution:
    doc = workflow(simple("t1", "flaky", inputParameters={"id": "${CPEWF_TASK_ID}", "x": "${workflow.input.x}"}),
                   simple("t2"))
    tdef = {"name": "flaky", "retryCount": retry_count, "retryLogic": logic, "retryDelaySeconds": delay, **extra}
    return Execution(doc, {"x": 1}, {"flaky": tdef})


def test_failure_appends_a_new_scheduled_attempt() -> None:
    ex = retrying(2)
    first = ex.task("t1")
    ex.fail("t1", "transient")
    old, new = ex.attempts("t1")
    assert old.task_id == first.task_id and old.status == TaskStatus.FAILED
    assert old.retried and old.processed and old.reason == "transient"
    assert new.status == TaskStatus.SCHEDULED and new.retry_count == 1
    assert new.retried_task_id == old.task_id and new.task_id != old.task_id
    assert ex.status == "RUNNING" and ex.failed_refs == []


def test_retry_inputs_are_re_evaluated_with_the_new_attempts_id() -> None:
    ex = retrying(1, delay=0)
    ex.fail("t1")
    old, new = ex.attempts("t1")
    assert old.input["id"] == old.task_id
    assert dict(new.input) == {"id": new.task_id, "x": 1}


def test_fixed_delay_keeps_the_retry_unpollable_until_it_passes() -> None:
    ex = retrying(3, "FIXED", 10)
    ex.fail("t1")
    retry = ex.task("t1")
    assert retry.available_at == ex.now + timedelta(seconds=10)
    assert retry.start_delay_seconds == 10 and retry.callback_after_seconds == 10
    assert not ex.pollable("t1")
    ex.advance(9)
    assert not ex.pollable("t1")
    ex.advance(1)
    assert ex.pollable("t1")


@pytest.mark.parametrize(
    ("logic", "extra", "delays"),
    [
        ("FIXED", {}, [10, 10, 10]),
        ("LINEAR_BACKOFF", {"backoffScaleFactor": 2}, [20, 40, 60]),
        ("EXPONENTIAL_BACKOFF", {}, [10, 20, 40]),
        ("EXPONENTIAL_BACKOFF", {"maxRetryDelaySeconds": 15}, [10, 15, 15]),
    ],
)
def test_retry_delays_per_attempt(logic: str, extra: dict, delays: list[int]) -> None:
    ex = retrying(3, logic, 10, **extra)
    seen = []
    for _ in delays:
        ex.fail("t1")
        retry = ex.task("t1")
        seen.append(int((retry.available_at - ex.now).total_seconds()))
        ex.advance(seen[-1])
    assert seen == delays
    assert [t.retry_count for t in ex.attempts("t1")] == [0, 1, 2, 3]


def test_exhausted_retries_fail_the_workflow_with_the_last_reason() -> None:
    """test-harness #7: each failure appends an attempt until retryCount is used up."""
    ex = retrying(2, delay=0)
    ex.fail("t1", "one")
    ex.fail("t1", "two")
    ex.fail("t1", "three")
    assert ex.history() == [("t1", "FAILED")] * 3
    last = ex.task("t1")
    assert last.retry_count == 2 and not last.retried
    assert ex.status == "FAILED"
    assert ex.wf.reason == f"Task {last.task_id} failed with status: FAILED and reason: 'three'"
    assert ex.failed_refs == ["t1"] and ex.failed_task_names == ["flaky"]


def test_retry_count_zero_fails_on_the_first_failure() -> None:
    ex = retrying(0)
    ex.fail("t1")
    assert ex.status == "FAILED" and len(ex.attempts("t1")) == 1


def test_workflow_task_retry_count_overrides_the_task_def() -> None:
    doc = workflow(simple("t1", "flaky", retryCount=0))
    ex = Execution(doc, {}, {"flaky": {"name": "flaky", "retryCount": 5}})
    ex.fail("t1")
    assert ex.status == "FAILED"
    doc = workflow(simple("t1", "flaky", retryCount=2))
    ex = Execution(doc, {}, {"flaky": {"name": "flaky", "retryCount": 0, "retryDelaySeconds": 0}})
    ex.fail("t1")
    ex.fail("t1")
    assert ex.status == "RUNNING" and ex.task("t1").retry_count == 2


def test_unregistered_worker_task_gets_three_retries_after_sixty_seconds() -> None:
    ex = Execution(workflow(simple("t1", "unknown_def")))
    for attempt in range(3):
        ex.fail("t1")
        assert ex.task("t1").available_at == ex.now + timedelta(seconds=60)
        assert ex.task("t1").retry_count == attempt + 1
        ex.advance(60)
    ex.fail("t1")
    assert ex.status == "FAILED" and len(ex.attempts("t1")) == 4


def test_successful_retry_continues_the_flow() -> None:
    ex = retrying(1, delay=0)
    ex.fail("t1")
    ex.complete("t1", {"ok": True})
    assert ex.history() == [("t1", "FAILED"), ("t1", "COMPLETED"), ("t2", "SCHEDULED")]


def test_later_tasks_see_the_latest_attempt() -> None:
    doc = workflow(simple("t1", "flaky"), simple("t2", inputParameters={"r": "${t1.retryCount}", "o": "${t1.output}"}))
    ex = Execution(doc, {}, {"flaky": {"name": "flaky", "retryCount": 1, "retryDelaySeconds": 0}})
    ex.fail("t1", output={"attempt": 1})
    ex.complete("t1", {"attempt": 2})
    assert dict(ex.task("t2").input) == {"r": 1, "o": {"attempt": 2}}


def test_jitter_is_deterministic_and_bounded() -> None:
    first = retrying(1, delay=5, backoffJitterMs=999)
    second = retrying(1, delay=5, backoffJitterMs=999)
    first.fail("t1")
    second.fail("t1")
    a, b = first.task("t1").available_at, second.task("t1").available_at
    assert a == b
    assert T0 + timedelta(seconds=5) <= a <= T0 + timedelta(seconds=5.999)


def test_system_tasks_retry_only_when_a_task_def_is_registered() -> None:
    # Conductor retries INLINE/JQ/HTTP/... per a registered TaskDef of their name (and never
    # without one); only control tasks are never retried (test_systemtasks__retries.py).
    doc = workflow(node("INLINE", "bad", inputParameters={"expression": "throw new Error('x')"}))
    ex = Execution(doc, {}, {"bad": {"name": "bad", "retryCount": 3}})
    assert ex.history() == [("bad", "FAILED")] * 4
    assert ex.status == "FAILED"
    ex = Execution(workflow(node("INLINE", "bad", retryCount=2, inputParameters={"expression": "throw 1"})))
    assert ex.history() == [("bad", "FAILED")]


def test_no_retry_while_a_result_is_pending() -> None:
    ex = retrying(1, delay=0)
    ex.poll("t1")
    ex.decide()
    assert ex.history() == [("t1", "IN_PROGRESS")]
