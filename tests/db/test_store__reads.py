"""Named store reads the sweeper and the claim limits rely on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from executions import store
from executions.models import Task, Workflow
from orchestrator.services import definitions, tasks

pytestmark = [pytest.mark.db_tier, pytest.mark.django_db]

DOC = {"name": "db_reads", "version": 1, "tasks": [
    {"name": "db_reads_t", "taskReferenceName": "a"}, {"name": "db_reads_t", "taskReferenceName": "b"}]}
FORK = {"name": "db_reads_fork", "version": 1, "tasks": [
    {"name": "f", "taskReferenceName": "f", "type": "FORK_JOIN", "forkTasks": [
        [{"name": "db_reads_lim", "taskReferenceName": "x"}], [{"name": "db_reads_lim", "taskReferenceName": "y"}]]},
    {"name": "j", "taskReferenceName": "j", "type": "JOIN", "joinOn": ["x", "y"]}]}


def test_the_sweeper_finds_due_timers_and_expired_leases_and_nothing_else(start) -> None:  # type: ignore[no-untyped-def]
    timer, leased, quiet = start(DOC), start(DOC), start(DOC)
    now = timezone.now()
    Workflow.objects.filter(pk=timer).update(next_check_at=now - timedelta(seconds=1))
    Workflow.objects.filter(pk=quiet).update(next_check_at=now + timedelta(hours=1))
    claimed = [t for t in tasks.claim("db_reads_t", "w", 3) if t.workflow_id == leased][0]
    Task.objects.filter(pk=claimed.id).update(lease_deadline=now - timedelta(seconds=1))
    assert store.due_for_decision(now, 100) == {timer, leased}
    assert store.lost_system_tasks(now, ("HTTP",), 100) == []
    assert store.unannounced_children(now, 100) == []


def test_a_concurrency_limit_caps_what_one_poll_claims(start) -> None:  # type: ignore[no-untyped-def]
    definitions.save_task_defs([{"name": "db_reads_lim", "concurrentExecLimit": 1}])
    start(FORK)
    assert store.queue_sizes(["db_reads_lim"]) == {"db_reads_lim": 2}
    first = tasks.claim("db_reads_lim", "w", 5)
    assert len(first) == 1 and store.running_in_queue("db_reads_lim") == 1
    assert tasks.claim("db_reads_lim", "w", 5) == []
    assert store.queue_sizes(["db_reads_lim"]) == {"db_reads_lim": 1}


def test_lookups_by_ref_and_task(start) -> None:  # type: ignore[no-untyped-def]
    wf_id = start(DOC)
    task_id = tasks.pending_by_ref(wf_id, "a")
    assert store.task(task_id).workflow.id == wf_id
    assert store.task_refs_of(wf_id) == {"a"}
    assert [t.ref for t in store.task_states_of(wf_id)] == ["a"]
    assert store.newest_task_id(wf_id, "nope") is None
    assert store.workflow_status(wf_id) == "RUNNING" and store.workflow_exists(wf_id)


NO_JOIN = {"name": "db_reads_nojoin", "version": 1, "tasks": [
    {"name": "f", "taskReferenceName": "f", "type": "FORK_JOIN", "forkTasks": [
        [{"name": "db_reads_nj", "taskReferenceName": "x"}], [{"name": "db_reads_nj", "taskReferenceName": "y"}]]}]}


def test_a_focused_load_says_whether_another_worker_task_is_pending(start) -> None:  # type: ignore[no-untyped-def]
    """A fork with no JOIN ends with its last branch: a result for the first branch must see the
    other still pending (the focused load leaves it out but reports it)."""
    from orchestrator.engine.results import TaskResult
    from orchestrator.engine.status import TaskStatus

    workflow_id = start(NO_JOIN)
    x, y = sorted(tasks.claim("db_reads_nj", "w", 2), key=lambda t: t.ref)
    row = Workflow.objects.get(pk=workflow_id)
    state = store.reads.load_state(row, focus=x.id)
    assert [t.ref for t in state.tasks if t.ref in ("x", "y")] == ["x"] and state.pending_elsewhere == 1
    tasks.update(x.id, TaskResult(status=TaskStatus.COMPLETED, worker_id="w"))
    assert Workflow.objects.get(pk=workflow_id).status == "RUNNING"
    assert store.reads.load_state(row, focus=y.id).pending_elsewhere == 0
    tasks.update(y.id, TaskResult(status=TaskStatus.COMPLETED, worker_id="w"))
    assert Workflow.objects.get(pk=workflow_id).status == "COMPLETED"
