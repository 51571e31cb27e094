"""Fire exactly once: the fire record and the start in one transaction, on PostgreSQL (time injected)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connections

from executions.models import Workflow
from orchestrator.scheduler.models import Schedule, ScheduleFire
from orchestrator.services import definitions, runtime, schedule_fires, schedules

pytestmark = [pytest.mark.db_tier]

DOC = {"name": "sched_wf", "version": 1, "tasks": [{"name": "sched_task", "taskReferenceName": "a"}]}
T0 = datetime(2026, 5, 4, 9, 0, 0, tzinfo=UTC)  # a Monday


def save(name: str = "every_minute", cron: str = "0 * * * * ?", *, at: datetime = T0, **extra: object) -> Schedule:
    definitions.save_workflow_def(DOC, overwrite=True)
    doc = {"name": name, "cronExpression": cron, "zoneId": "UTC",
           "startWorkflowRequest": {"name": "sched_wf", "version": 1, "input": {"k": 1}, "correlationId": "c"},
           **extra}
    return schedules.check_save(doc, "tester", now=at)


def fires(row: Schedule) -> list[ScheduleFire]:
    return list(ScheduleFire.objects.filter(schedule=row).order_by("scheduled_time"))


@pytest.mark.django_db
def test_a_due_fire_starts_the_workflow_once_and_records_it() -> None:
    row = save()
    assert schedule_fires.fire_due(row.pk, now=T0 + timedelta(seconds=30)) == 0  # nothing due yet
    assert schedule_fires.fire_due(row.pk, now=T0 + timedelta(seconds=61)) == 1
    assert schedule_fires.fire_due(row.pk, now=T0 + timedelta(seconds=62)) == 0  # a second tick: nothing new
    [fire] = fires(row)
    assert (fire.scheduled_time, fire.state) == (T0 + timedelta(minutes=1), "EXECUTED")
    wf = Workflow.objects.get(pk=fire.workflow_id)
    assert (wf.name, wf.input, wf.correlation_id, wf.status) == ("sched_wf", {"k": 1}, "c", "RUNNING")
    shown = schedule_fires.search("scheduleName='every_minute'", None, "startTime:DESC", 0, 10)
    assert shown["totalHits"] == 1 and shown["results"][0]["workflowId"] == wf.id
    assert shown["results"][0]["scheduledTime"] == int((T0 + timedelta(minutes=1)).timestamp() * 1000)


@pytest.mark.django_db
def test_after_downtime_catch_up_fires_each_missed_time_once_or_only_the_latest() -> None:
    every = save("catch_up", runCatchupScheduleInstances=True)
    latest = save("latest_only")
    later = T0 + timedelta(minutes=10, seconds=5)
    assert schedule_fires.fire_due(every.pk, now=later) == 10
    assert schedule_fires.fire_due(latest.pk, now=later) == 1
    assert [f.scheduled_time.minute for f in fires(every)] == list(range(1, 11))
    assert [f.scheduled_time for f in fires(latest)] == [T0 + timedelta(minutes=10)]
    assert schedule_fires.fire_due(every.pk, now=later) == schedule_fires.fire_due(latest.pk, now=later) == 0


@pytest.mark.django_db
def test_catch_up_is_paced_and_loses_nothing() -> None:
    row = save("many", "*/2 * * * * ?", runCatchupScheduleInstances=True)
    later = T0 + timedelta(seconds=2 * (schedule_fires.CATCHUP_BATCH + 20))
    assert schedule_fires.fire_due(row.pk, now=later) == schedule_fires.CATCHUP_BATCH
    assert schedule_fires.fire_due(row.pk, now=later) == 20
    assert len({f.scheduled_time for f in fires(row)}) == schedule_fires.CATCHUP_BATCH + 20


@pytest.mark.django_db
def test_a_fire_whose_start_fails_is_recorded_failed_with_the_reason() -> None:
    row = save("orphan")
    definitions.delete_workflow_def("sched_wf", 1)
    assert schedule_fires.fire_due(row.pk, now=T0 + timedelta(minutes=1, seconds=1)) == 1
    [fire] = fires(row)
    assert fire.state == "FAILED" and fire.workflow_id is None
    assert "sched_wf" in (fire.reason or "")
    assert not Workflow.objects.filter(name="sched_wf").exists()
    assert schedule_fires.search("state='FAILED'", None, None, 0, 5)["results"][0]["reason"] == fire.reason


@pytest.mark.django_db
def test_pause_stops_fires_and_resume_does_not_replay_the_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    row = save("pausable", runCatchupScheduleInstances=True)
    schedules.pause("pausable", "maintenance", "tester")
    assert schedule_fires.fire_due(row.pk, now=T0 + timedelta(minutes=5)) == 0
    paused = Schedule.objects.get(pk=row.pk)
    assert (paused.paused, paused.paused_reason, paused.periodic_task.enabled) == (True, "maintenance", False)
    resumed_at = T0 + timedelta(minutes=5, seconds=30)
    monkeypatch.setattr("django.utils.timezone.now", lambda: resumed_at)
    schedules.resume("pausable", "tester")
    assert Schedule.objects.get(pk=row.pk).periodic_task.enabled is True
    assert schedule_fires.fire_due(row.pk, now=T0 + timedelta(minutes=6, seconds=1)) == 1
    assert [f.scheduled_time for f in fires(row)] == [T0 + timedelta(minutes=6)]


@pytest.mark.django_db
def test_start_and_end_time_bound_the_fires() -> None:
    start, end = T0 + timedelta(minutes=3), T0 + timedelta(minutes=5)
    row = save("bounded", runCatchupScheduleInstances=True,
               scheduleStartTime=int(start.timestamp() * 1000), scheduleEndTime=int(end.timestamp() * 1000))
    assert schedule_fires.fire_due(row.pk, now=T0 + timedelta(minutes=9)) == 3
    assert [f.scheduled_time.minute for f in fires(row)] == [3, 4, 5]


@pytest.mark.django_db
def test_a_crash_mid_fire_rolls_back_whole_and_the_next_tick_fires_again(monkeypatch: pytest.MonkeyPatch) -> None:
    row = save("crashy", runCatchupScheduleInstances=True)
    real = runtime.execute
    calls = {"n": 0}

    def crash_on_second(command):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("worker killed mid-fire")  # not a ServiceError: nothing is caught
        return real(command)

    monkeypatch.setattr(runtime, "execute", crash_on_second)
    with pytest.raises(SystemExit):
        schedule_fires.fire_due(row.pk, now=T0 + timedelta(minutes=3, seconds=1))
    assert fires(row) == [] and not Workflow.objects.filter(name="sched_wf").exists()
    assert Schedule.objects.get(pk=row.pk).fired_through == T0
    monkeypatch.setattr(runtime, "execute", real)
    assert schedule_fires.fire_due(row.pk, now=T0 + timedelta(minutes=3, seconds=1)) == 3
    assert Workflow.objects.filter(name="sched_wf").count() == 3


def _race(target, count: int = 2) -> list[object]:  # type: ignore[no-untyped-def]
    barrier, results = threading.Barrier(count), []

    def run() -> None:
        try:
            barrier.wait()
            results.append(target())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_beats_ticking_at_once_fire_once() -> None:
    row = save("raced", "*/2 * * * * ?", runCatchupScheduleInstances=True)
    now = T0 + timedelta(seconds=11)
    results = _race(lambda: schedule_fires.fire_due(row.pk, now=now), count=4)
    assert sorted(results) == [0, 0, 0, 5]  # type: ignore[type-var]
    assert len(fires(row)) == 5 and Workflow.objects.filter(name="sched_wf").count() == 5


@pytest.mark.django_db(transaction=True)
def test_the_unique_fire_record_alone_stops_a_double() -> None:
    # Without the schedule lock (two fires of the same time sent straight to the runtime), the
    # second insert waits on the unique index and then finds the first's record.
    row = save("unlocked")
    when = T0 + timedelta(minutes=1)
    command = schedule_fires._command(row, when)
    results = _race(lambda: runtime.execute(command).fired, count=3)
    assert sorted(results) == [False, False, True]  # type: ignore[type-var]
    assert len(fires(row)) == 1 and Workflow.objects.filter(name="sched_wf").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("stored,words", [
    ({"name": "sched_wf", "priority": 150}, "priority must be between 0 and 99"),  # refused by the start
    ({"name": "sched_wf", "input": [1, 2]}, "TypeError"),  # a request the start cannot even read
])
def test_a_start_that_raises_is_on_record_and_the_next_time_still_fires(stored: dict, words: str) -> None:  # type: ignore[type-arg]
    row = save("bad_request")
    Schedule.objects.filter(pk=row.pk).update(start_workflow_request=stored)  # as if saved by an older version
    assert schedule_fires.fire_due(row.pk, now=T0 + timedelta(minutes=1, seconds=1)) == 1
    [fire] = fires(row)
    assert fire.state == "FAILED" and words in (fire.reason or "")
    assert schedule_fires.fire_due(row.pk, now=T0 + timedelta(minutes=2, seconds=1)) == 1  # not stuck on it


@pytest.mark.django_db
def test_dst_nights_through_the_fire_path_neither_double_nor_invent_a_fire() -> None:
    spring = datetime(2026, 3, 28, 11, 0, tzinfo=UTC)
    row = save("berlin_0230", "0 30 2 * * ?", at=spring, zoneId="Europe/Berlin", runCatchupScheduleInstances=True)
    assert schedule_fires.fire_due(row.pk, now=spring + timedelta(days=2)) == 1  # the 29th's 02:30 does not exist
    assert [f.scheduled_time for f in fires(row)] == [datetime(2026, 3, 30, 0, 30, tzinfo=UTC)]
    autumn = datetime(2026, 10, 24, 11, 0, tzinfo=UTC)
    again = save("berlin_0230_autumn", "0 30 2 * * ?", at=autumn, zoneId="Europe/Berlin",
                 runCatchupScheduleInstances=True)
    assert schedule_fires.fire_due(again.pk, now=autumn + timedelta(days=1)) == 1  # 02:30 happens twice: one fire
    assert [f.scheduled_time for f in fires(again)] == [datetime(2026, 10, 25, 0, 30, tzinfo=UTC)]
