"""`results.apply_result`: how a worker's TaskResult changes one task (CONDUCTOR.md §6)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from orchestrator.engine.model import TaskState
from orchestrator.engine.results import MAX_REASON_CHARS, ResultRejected, TaskResult, apply_result
from orchestrator.engine.status import TaskStatus

from .harness import T0

NOW = T0 + timedelta(seconds=30)


def in_progress(**kw: object) -> TaskState:
    base = TaskState(task_id="t1", ref="r", node_ref="r", task_type="SIMPLE", def_name="d",
                     status=TaskStatus.IN_PROGRESS, seq=1, scheduled_time=T0, start_time=T0 + timedelta(seconds=1),
                     update_time=T0 + timedelta(seconds=1), output={"old": True}, worker_id="w0", poll_count=1)
    return replace(base, **kw)  # type: ignore[arg-type]


def result(status: TaskStatus, **kw: object) -> TaskResult:
    return TaskResult(status=status, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("status", [TaskStatus.COMPLETED, TaskStatus.FAILED,
                                    TaskStatus.FAILED_WITH_TERMINAL_ERROR, TaskStatus.CANCELED])
def test_terminal_result_sets_status_output_reason_and_times(status: TaskStatus) -> None:
    task = apply_result(in_progress(), result(status, output={"new": 1}, reason="why", worker_id="w9"), NOW,
                        is_worker=True)
    assert task is not None
    assert task.status == status and dict(task.output) == {"new": 1} and task.reason == "why"
    assert task.worker_id == "w9" and task.end_time == NOW and task.update_time == NOW
    assert task.start_time == T0 + timedelta(seconds=1)
    assert not task.processed


def test_output_replaces_rather_than_merges() -> None:
    task = apply_result(in_progress(output={"a": 1, "b": 2}), result(TaskStatus.COMPLETED, output={"b": 3}), NOW,
                        is_worker=True)
    assert task is not None and dict(task.output) == {"b": 3}


def test_absent_output_keeps_the_stored_output() -> None:
    task = apply_result(in_progress(), result(TaskStatus.COMPLETED), NOW, is_worker=True)
    assert task is not None and dict(task.output) == {"old": True}


def test_in_progress_from_a_worker_requeues_after_the_callback() -> None:
    task = apply_result(in_progress(), result(TaskStatus.IN_PROGRESS, output={"p": 50}, callback_after_seconds=5),
                        NOW, is_worker=True)
    assert task is not None
    assert task.status == TaskStatus.SCHEDULED
    assert task.callback_after_seconds == 5 and task.available_at == NOW + timedelta(seconds=5)
    assert dict(task.output) == {"p": 50} and task.update_time == NOW and task.end_time is None


def test_in_progress_without_callback_is_pollable_at_once_and_negative_counts_as_zero() -> None:
    for callback in (0, -10):
        task = apply_result(in_progress(), result(TaskStatus.IN_PROGRESS, callback_after_seconds=callback), NOW,
                            is_worker=True)
        assert task is not None and task.available_at == NOW and task.callback_after_seconds == 0


def test_in_progress_for_a_system_task_stays_in_progress() -> None:
    task = apply_result(in_progress(task_type="HUMAN"), result(TaskStatus.IN_PROGRESS, output={"x": 1}), NOW,
                        is_worker=False)
    assert task is not None and task.status == TaskStatus.IN_PROGRESS and dict(task.output) == {"x": 1}
    assert task.update_time == NOW


def test_extend_lease_only_refreshes_update_time() -> None:
    before = in_progress()
    task = apply_result(before, result(TaskStatus.COMPLETED, output={"ignored": 1}, extend_lease=True), NOW,
                        is_worker=True)
    assert task == replace(before, update_time=NOW)


def test_result_for_a_scheduled_task_starts_it_now() -> None:
    scheduled = in_progress(status=TaskStatus.SCHEDULED, start_time=None)
    task = apply_result(scheduled, result(TaskStatus.COMPLETED), NOW, is_worker=True)
    assert task is not None and task.start_time == NOW and task.end_time == NOW


def test_long_reasons_are_truncated() -> None:
    task = apply_result(in_progress(), result(TaskStatus.FAILED, reason="x" * (MAX_REASON_CHARS + 10)), NOW,
                        is_worker=True)
    assert task is not None and len(task.reason or "") == MAX_REASON_CHARS


def test_same_result_again_is_a_duplicate() -> None:
    done = apply_result(in_progress(), result(TaskStatus.COMPLETED, output={"v": 1}), NOW, is_worker=True)
    assert done is not None
    assert apply_result(done, result(TaskStatus.COMPLETED, output={"v": 1}), NOW, is_worker=True) is None
    assert apply_result(done, result(TaskStatus.COMPLETED), NOW, is_worker=True) is None


def test_conflicting_result_for_a_finished_task_is_rejected() -> None:
    done = apply_result(in_progress(), result(TaskStatus.COMPLETED, output={"v": 1}), NOW, is_worker=True)
    assert done is not None
    with pytest.raises(ResultRejected, match="already COMPLETED"):
        apply_result(done, result(TaskStatus.FAILED), NOW, is_worker=True)
    with pytest.raises(ResultRejected):
        apply_result(done, result(TaskStatus.COMPLETED, output={"v": 2}), NOW, is_worker=True)


def test_result_for_a_timed_out_task_is_rejected() -> None:
    timed_out = in_progress(status=TaskStatus.TIMED_OUT, end_time=NOW)
    with pytest.raises(ResultRejected):
        apply_result(timed_out, result(TaskStatus.COMPLETED), NOW, is_worker=True)


@pytest.mark.parametrize("status", [TaskStatus.SCHEDULED, TaskStatus.TIMED_OUT, TaskStatus.SKIPPED,
                                    TaskStatus.COMPLETED_WITH_ERRORS])
def test_statuses_a_worker_may_not_report(status: TaskStatus) -> None:
    with pytest.raises(ValueError, match="cannot be reported"):
        apply_result(in_progress(), result(status), NOW, is_worker=True)


def test_input_and_identity_are_never_touched() -> None:
    before = in_progress(input={"i": 1})
    task = apply_result(before, result(TaskStatus.COMPLETED, output={"o": 1}), NOW, is_worker=True)
    assert task is not None
    assert (task.task_id, task.ref, task.seq, task.retry_count, dict(task.input)) == ("t1", "r", 1, 0, {"i": 1})
