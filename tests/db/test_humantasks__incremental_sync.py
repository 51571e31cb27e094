"""The inbox's incremental sync against PostgreSQL: after a first (full) pass a sync reads only
the HUMAN tasks changed since the last one — one query when nothing changed — and still creates
the row of a new task, closes the row of an ended one, and misses no task whose transaction
committed after a sync had begun (the settle window); the periodic full pass catches what the
window cannot (a deleted execution)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from executions.models import Task
from orchestrator.humantasks import service, syncing
from orchestrator.humantasks.models import HumanTask
from orchestrator.services import definitions, workflows

pytestmark = [pytest.mark.db_tier]

DOC = {"name": "ht_incr", "version": 1, "tasks": [
    {"name": "approve", "taskReferenceName": "approve", "type": "HUMAN", "inputParameters": {"groups": ["fin"]}}]}


@pytest.fixture(autouse=True)
def fresh_mark() -> Iterator[None]:
    syncing.MARK.reset()  # the first sync of each test is the process's first: a full pass
    yield
    syncing.MARK.reset()


def start() -> str:
    definitions.save_workflow_def(DOC, overwrite=True)
    wf_id = workflows.start(workflows.StartRequest(name="ht_incr", input={}))
    return str(Task.objects.get(workflow_id=wf_id, ref="approve").id)


def status_of(task_id: str) -> str | None:
    return HumanTask.objects.filter(task_id=task_id).values_list("status", flat=True).first()


def sync_queries() -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        service.sync()
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.django_db
def test_with_nothing_new_a_sync_is_one_indexed_query_and_a_new_task_still_appears() -> None:
    first = start()
    service.sync()  # the full pass
    assert status_of(first) == "OPEN" and syncing.MARK.since is not None
    old = Task.objects.filter(pk=first)
    old.update(update_time=timezone.now() - timedelta(minutes=5))  # changed long before the mark
    queries = sync_queries()
    assert len(queries) == 1 and "update_time" in queries[0]
    second = start()
    assert len(sync_queries()) > 1  # the new task was read and its row written
    assert status_of(second) == "OPEN"
    assert HumanTask.objects.count() == 2


@pytest.mark.django_db
def test_a_task_that_ended_closes_its_row_on_the_next_incremental_sync() -> None:
    tid = start()
    service.sync()
    workflows.terminate(Task.objects.get(pk=tid).workflow_id, "stop")
    assert syncing.MARK.next_read() is not None  # incremental, not the full pass
    service.sync()
    assert status_of(tid) == "CLOSED"


@pytest.mark.django_db
def test_a_change_older_than_the_window_waits_for_the_full_pass(monkeypatch: Any) -> None:
    """What the window does not cover (here: a stamp long before the last sync began, as a very
    slow transaction's would be) is not read incrementally; the periodic full pass finds it."""
    service.sync()
    tid = start()
    Task.objects.filter(pk=tid).update(update_time=timezone.now() - timedelta(minutes=10))
    service.sync()
    assert status_of(tid) is None
    monkeypatch.setattr(syncing, "FULL_EVERY", 0.0)
    service.sync()
    assert status_of(tid) == "OPEN"


@pytest.mark.django_db
def test_a_removed_execution_closes_its_row_on_the_full_pass(monkeypatch: Any) -> None:
    tid = start()
    service.sync()
    workflows.remove(str(HumanTask.objects.get(task_id=tid).workflow_id))
    service.sync()
    assert status_of(tid) == "OPEN"  # a deleted row has no timestamp to read
    monkeypatch.setattr(syncing, "FULL_EVERY", 0.0)
    service.sync()
    assert status_of(tid) == "CLOSED"


def _start_and_hold(started: threading.Event, release: threading.Event, ids: list[str]) -> None:
    """Start a workflow inside a transaction that commits only when `release` is set."""
    try:
        with transaction.atomic():
            ids.append(start())
            started.set()
            release.wait(30)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("settle", [syncing.SETTLE_SECONDS, 0.0])
def test_a_task_committed_after_a_sync_began_is_not_missed(settle: float, monkeypatch: Any) -> None:
    """Stamp, sync, commit: the sync in between cannot see the task, and its mark passes the
    task's stamp. With the settle window the next sync re-reads below the mark and finds it;
    without (settle 0) it would be missed until the full pass — the race the window is for."""
    monkeypatch.setattr(syncing, "SETTLE_SECONDS", settle)
    service.sync()  # the full pass
    started, release, ids = threading.Event(), threading.Event(), []
    holder = threading.Thread(target=_start_and_hold, args=(started, release, ids))
    holder.start()
    try:
        assert started.wait(30)
        service.sync()  # the task is stamped, not yet committed
        assert not HumanTask.objects.exists()
    finally:
        release.set()
        holder.join(30)
    assert Task.objects.filter(pk=ids[0], status="IN_PROGRESS").exists()  # committed now
    service.sync()
    assert status_of(ids[0]) == ("OPEN" if settle else None)


@pytest.mark.django_db
def test_a_sweep_with_nothing_due_is_two_indexed_reads_and_no_full_sync() -> None:
    from orchestrator.humantasks import sweep

    tid = start()
    service.sync()
    Task.objects.filter(pk=tid).update(update_time=timezone.now() - timedelta(minutes=5))
    with CaptureQueriesContext(connection) as ctx:
        assert sweep.sweep(timezone.now()) == 0
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert len(sqls) == 2, sqls
    assert '"executions_task"."update_time" >=' in sqls[0] and "next_escalation_at" in sqls[1]


@pytest.mark.django_db
def test_a_burst_of_changes_beyond_the_limit_is_handled_by_a_full_pass(monkeypatch: Any) -> None:
    first = start()
    service.sync()
    monkeypatch.setattr(syncing, "CHANGED_LIMIT", 1)
    second = start()
    workflows.terminate(Task.objects.get(pk=first).workflow_id, "stop")
    service.sync()  # two changed tasks > the limit of one
    assert (status_of(first), status_of(second)) == ("CLOSED", "OPEN")
