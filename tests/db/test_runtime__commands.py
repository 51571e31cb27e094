"""Every runtime command against PostgreSQL: what it writes, what it records, what it queues."""

from __future__ import annotations

import pytest

from executions.models import ExecutionEvent, Task, TaskLog, Workflow
from orchestrator.engine.results import TaskResult
from orchestrator.engine.status import TaskStatus
from orchestrator.services import operations, runtime, tasks, workflows
from orchestrator.services.commands import AppendLog, Decide, Pause, RecordFailureWorkflow, Remove, Resume
from orchestrator.services.errors import Conflict, NotFound

pytestmark = [pytest.mark.db_tier, pytest.mark.django_db]

TWO = {"name": "db_rt", "version": 1, "tasks": [
    {"name": "db_rt_t", "taskReferenceName": "a"}, {"name": "db_rt_t", "taskReferenceName": "b"}]}


def statuses(wf_id: str) -> list[tuple[str, str]]:
    """(kind, status) of a workflow's events, oldest first."""
    return [(e.kind, e.payload["status"]) for e in ExecutionEvent.objects.filter(workflow_id=wf_id).order_by("id")]


def task_status(wf_id: str, ref: str) -> str:
    return Task.objects.filter(workflow_id=wf_id, ref=ref).order_by("-seq").values_list("status", flat=True)[0]


def test_start_records_the_start_then_the_first_decision_and_rings_once(
        start, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks() as callbacks:
        wf_id = start(TWO)
    assert statuses(wf_id) == [("workflow", "RUNNING"), ("task", "SCHEDULED")]
    assert ExecutionEvent.objects.filter(workflow_id=wf_id).first().payload["started"] is True
    assert len(callbacks) == 1  # the doorbell; a worker task sends no Celery message


def test_a_result_completes_the_task_schedules_the_next_and_keeps_its_logs(start) -> None:  # type: ignore[no-untyped-def]
    wf_id = start(TWO)
    claimed = tasks.claim("db_rt_t", "w1", 1)[0]
    done = tasks.update(claimed.id, TaskResult(status=TaskStatus.COMPLETED, output={"v": 1}),
                        logs=[{"log": "one"}, "two", {"log": ""}])
    assert done.status == TaskStatus.COMPLETED and done.output == {"v": 1}
    assert task_status(wf_id, "b") == "SCHEDULED"
    assert [x.log for x in TaskLog.objects.filter(task_id=claimed.id)] == ["one", "two"]
    assert statuses(wf_id)[-2:] == [("task", "COMPLETED"), ("task", "SCHEDULED")]


def test_a_result_for_a_task_that_ended_is_refused(start) -> None:  # type: ignore[no-untyped-def]
    start(TWO)
    claimed = tasks.claim("db_rt_t", "w1", 1)[0]
    tasks.update(claimed.id, TaskResult(status=TaskStatus.COMPLETED))
    with pytest.raises(Conflict):
        tasks.update(claimed.id, TaskResult(status=TaskStatus.FAILED))
    with pytest.raises(NotFound):
        tasks.update("no-such-task", TaskResult(status=TaskStatus.COMPLETED))


def test_terminate_cancels_pending_tasks_records_it_and_refuses_a_completed_workflow(start) -> None:  # type: ignore[no-untyped-def]
    wf_id = start(TWO)
    workflows.terminate(wf_id, "enough")
    row = Workflow.objects.get(pk=wf_id)
    assert (row.status, row.reason) == ("TERMINATED", "enough")
    assert task_status(wf_id, "a") == "CANCELED"
    assert statuses(wf_id)[-2:] == [("task", "CANCELED"), ("workflow", "TERMINATED")]
    workflows.terminate(wf_id, "again")  # already ended: nothing happens
    assert Workflow.objects.get(pk=wf_id).reason == "enough"
    done = start({"name": "db_rt_empty", "version": 1, "tasks": [
        {"name": "sv", "taskReferenceName": "sv", "type": "SET_VARIABLE", "inputParameters": {"x": 1}}]})
    assert Workflow.objects.get(pk=done).status == "COMPLETED"
    with pytest.raises(Conflict):
        workflows.terminate(done, "late")


def test_pause_stops_scheduling_and_resume_decides_again(start) -> None:  # type: ignore[no-untyped-def]
    wf_id = start(TWO)
    claimed = tasks.claim("db_rt_t", "w1", 1)[0]
    workflows.pause(wf_id)
    workflows.pause(wf_id)  # idempotent: one event
    tasks.update(claimed.id, TaskResult(status=TaskStatus.COMPLETED))
    assert Workflow.objects.get(pk=wf_id).status == "PAUSED"
    assert not Task.objects.filter(workflow_id=wf_id, ref="b").exists()
    workflows.resume(wf_id)
    assert Workflow.objects.get(pk=wf_id).status == "RUNNING"
    assert task_status(wf_id, "b") == "SCHEDULED"
    kinds = statuses(wf_id)
    assert kinds.count(("workflow", "PAUSED")) == 1
    resumed = len(kinds) - 1 - kinds[::-1].index(("workflow", "RUNNING"))
    assert ("task", "SCHEDULED") in kinds[resumed:]
    with pytest.raises(Conflict):
        workflows.resume(wf_id)


def test_remove_leaves_no_tasks_logs_or_events_behind(start) -> None:  # type: ignore[no-untyped-def]
    wf_id = start(TWO)
    claimed = tasks.claim("db_rt_t", "w1", 1)[0]
    tasks.add_log(claimed.id, "working")
    tasks.update(claimed.id, TaskResult(status=TaskStatus.COMPLETED), logs=[{"log": "done"}])
    other = start(TWO)
    workflows.remove(wf_id)
    assert not Workflow.objects.filter(pk=wf_id).exists()
    assert not Task.objects.filter(workflow_id=wf_id).exists()
    assert not ExecutionEvent.objects.filter(workflow_id=wf_id).exists()
    assert not TaskLog.objects.filter(task_id=claimed.id).exists()
    assert ExecutionEvent.objects.filter(workflow_id=other).exists()
    with pytest.raises(NotFound):
        runtime.execute(Remove(wf_id))


def test_retry_reschedules_the_failed_task_through_the_runtime(start) -> None:  # type: ignore[no-untyped-def]
    wf_id = start({"name": "db_rt_retry", "version": 1, "tasks": [{"name": "db_rt_nr", "taskReferenceName": "a"}]})
    from orchestrator.services import definitions

    definitions.save_task_defs([{"name": "db_rt_nr", "retryCount": 0}])
    claimed = tasks.claim("db_rt_nr", "w1", 1)[0]
    tasks.update(claimed.id, TaskResult(status=TaskStatus.FAILED, reason="boom"))
    assert Workflow.objects.get(pk=wf_id).status == "FAILED"
    operations.retry(wf_id)
    row = Workflow.objects.get(pk=wf_id)
    assert (row.status, row.reason) == ("RUNNING", None)
    assert task_status(wf_id, "a") == "SCHEDULED"
    retry_event = ExecutionEvent.objects.filter(workflow_id=wf_id, kind="workflow").order_by("-id").first()
    assert retry_event.payload == {"status": "RUNNING", "operation": "retry"}
    with pytest.raises(Conflict):
        operations.retry(wf_id)  # nothing failed now


def test_restart_with_the_latest_definition_moves_the_execution_to_it(start) -> None:  # type: ignore[no-untyped-def]
    wf_id = start(TWO)
    workflows.terminate(wf_id, "stop")
    from orchestrator.services import definitions

    definitions.save_workflow_def({**TWO, "version": 2, "tasks": TWO["tasks"][:1]}, overwrite=True)
    operations.restart(wf_id, use_latest_definitions=True)
    row = Workflow.objects.get(pk=wf_id)
    assert (row.status, row.version, row.snapshot.definition["version"]) == ("RUNNING", 2, 2)
    assert list(Task.objects.filter(workflow_id=wf_id).values_list("ref", "status")) == [("a", "SCHEDULED")]


def test_decide_record_failure_workflow_and_append_log(start) -> None:  # type: ignore[no-untyped-def]
    wf_id = start(TWO)
    before = ExecutionEvent.objects.filter(workflow_id=wf_id).count()
    assert runtime.execute(Decide(wf_id)).outcome.is_empty
    assert ExecutionEvent.objects.filter(workflow_id=wf_id).count() == before
    runtime.execute(RecordFailureWorkflow(wf_id, "child-1"))
    assert Workflow.objects.get(pk=wf_id).output == {"conductor.failure_workflow": "child-1"}
    task_id = Task.objects.get(workflow_id=wf_id, ref="a").id
    runtime.execute(AppendLog(task_id, "hello"))
    assert TaskLog.objects.get(task_id=task_id).log == "hello"
    runtime.execute(Pause(wf_id))
    runtime.execute(Resume(wf_id))
    assert Workflow.objects.get(pk=wf_id).status == "RUNNING"
