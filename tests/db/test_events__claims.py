"""Claims are in the event log: "task started" events, written by the claim itself."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection, connections, transaction

from executions import events
from executions.models import ExecutionEvent, Task, Workflow
from executions.store import mapping
from orchestrator.engine.results import TaskResult
from orchestrator.engine.status import TaskStatus
from orchestrator.services import tasks

pytestmark = [pytest.mark.db_tier]

DOC = {"name": "db_ev", "version": 1, "tasks": [
    {"name": "db_ev_t", "taskReferenceName": "a"}, {"name": "db_ev_t", "taskReferenceName": "b"}]}


def task_events(task_id: str) -> list[ExecutionEvent]:
    return list(ExecutionEvent.objects.filter(task_id=task_id).order_by("id"))


@pytest.mark.django_db
def test_a_claim_records_who_started_the_task_and_rings_after_commit(
        start, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    wf_id = start(DOC)
    with django_capture_on_commit_callbacks() as callbacks:
        claimed = tasks.claim("db_ev_t", "worker-7", 1)[0]
    assert len(callbacks) == 1  # the doorbell of that workflow
    event = task_events(claimed.id)[-1]
    row = Task.objects.get(pk=claimed.id)
    assert (event.workflow_id, event.kind) == (wf_id, "task")
    assert event.payload == {
        "taskId": row.id, "referenceTaskName": "a", "status": "IN_PROGRESS", "retryCount": 0,
        "reasonForIncompletion": None, "workerId": "worker-7", "pollCount": 1,
        "startTime": int(row.start_time.timestamp() * 1000),
    }
    # The SQL spelling of the payload (PostgreSQL) and the Python one (SQLite) agree; the SQLite
    # claim itself is tested on SQLite in test_claims__sqlite.py.
    assert event.payload == json.loads(json.dumps(events.claim_event(wf_id, mapping.to_state(row), event.created).payload))


@pytest.mark.django_db
def test_a_task_s_events_read_scheduled_in_progress_completed_and_update_v2_records_its_claim(
        start, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    wf_id = start(DOC)
    first = tasks.claim("db_ev_t", "w1", 1)[0]
    with django_capture_on_commit_callbacks() as callbacks:
        _, following = tasks.update_and_claim_next(first.id, TaskResult(status=TaskStatus.COMPLETED, worker_id="w1"))
    assert following is not None
    assert len(callbacks) == 1  # one doorbell for the result and the claim of the same workflow
    assert [e.payload["status"] for e in task_events(first.id)] == ["SCHEDULED", "IN_PROGRESS", "COMPLETED"]
    assert [e.payload["status"] for e in task_events(following.id)] == ["SCHEDULED", "IN_PROGRESS"]
    assert task_events(following.id)[-1].payload["workerId"] == "w1"
    streamed = events.after(wf_id, 0)
    assert [e["id"] for e in streamed] == sorted(e["id"] for e in streamed)
    assert events.last_id(wf_id) == streamed[-1]["id"]


@pytest.mark.django_db(transaction=True)
def test_a_claim_does_not_wait_for_the_workflow_lock(start) -> None:  # type: ignore[no-untyped-def]
    wf_id = start(DOC)
    locked, release = threading.Event(), threading.Event()

    def hold_the_workflow_lock() -> None:
        try:
            with transaction.atomic():
                Workflow.objects.select_for_update().get(pk=wf_id)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_workflow_lock)
    holder.start()
    try:
        assert locked.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = '2s'")  # a claim that waited would fail here
        claimed = tasks.claim("db_ev_t", "w1", 1)
        assert [t.ref for t in claimed] == ["a"]
        assert task_events(claimed[0].id)[-1].payload["status"] == "IN_PROGRESS"
    finally:
        release.set()
        holder.join()
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
