"""Completing or failing a WAIT/HUMAN task by hand (`tasks.finish_by_hand`, the ManualResult
command) against PostgreSQL: only a pending WAIT or HUMAN task, the workflow moves on, and the
event log names who did it (the note the run page's history and drawer read)."""

from __future__ import annotations

import pytest

from executions.models import ExecutionEvent, Task, Workflow
from orchestrator.engine.results import TaskResult
from orchestrator.engine.status import TaskStatus
from orchestrator.humantasks import service as inbox
from orchestrator.humantasks.models import HumanTask
from orchestrator.services import definitions, tasks, workflows
from orchestrator.services.errors import Conflict

pytestmark = [pytest.mark.db_tier, pytest.mark.django_db]

DOC = {"name": "by_hand", "version": 1, "tasks": [
    {"name": "park", "taskReferenceName": "park", "type": "WAIT"},
    {"name": "approve", "taskReferenceName": "approve", "type": "HUMAN"},
    {"name": "work", "taskReferenceName": "work", "type": "SIMPLE"},
]}


def start() -> str:
    definitions.save_workflow_def(DOC, overwrite=True)
    return workflows.start(workflows.StartRequest(name="by_hand", input={}))


def pending(wf: str, ref: str) -> Task:
    return Task.objects.get(workflow_id=wf, ref=ref)


def test_a_wait_and_a_human_task_finish_by_hand_and_the_log_says_who() -> None:
    wf = start()
    tasks.finish_by_hand(pending(wf, "park").id, TaskResult(status=TaskStatus.COMPLETED, output={"ok": 1}), "ops-ann")
    assert pending(wf, "park").status == "COMPLETED" and pending(wf, "park").output == {"ok": 1}
    approve = pending(wf, "approve")
    inbox.sync()  # the inbox has a row for the pending HUMAN task; finishing it by hand closes it
    tasks.finish_by_hand(approve.id, TaskResult(status=TaskStatus.COMPLETED, output={}), "ops-bob")
    inbox.sync()
    assert HumanTask.objects.get(task_id=approve.id).status == HumanTask.Status.CLOSED
    assert pending(wf, "work").status == "SCHEDULED"  # the workflow moved on
    notes = [e.payload for e in ExecutionEvent.objects.filter(workflow_id=wf, kind="workflow").order_by("id")
             if "humanTask" in e.payload]
    assert [(n["humanTask"], n["by"], n["taskId"]) for n in notes] == [
        ("completed by hand", "ops-ann", pending(wf, "park").id), ("completed by hand", "ops-bob", approve.id)]
    assert notes[0]["data"] == {"ok": 1}


def test_only_a_pending_wait_or_human_task_finishes_by_hand() -> None:
    wf = start()
    park = pending(wf, "park")
    tasks.finish_by_hand(park.id, TaskResult(status=TaskStatus.FAILED, reason="not needed"), "ops-ann")
    assert pending(wf, "park").reason == "not needed" and Workflow.objects.get(id=wf).status == "FAILED"
    with pytest.raises(Conflict, match="not a pending WAIT or HUMAN task"):  # it ended already
        tasks.finish_by_hand(park.id, TaskResult(status=TaskStatus.COMPLETED), "ops-ann")
    other = start()
    tasks.finish_by_hand(pending(other, "park").id, TaskResult(status=TaskStatus.COMPLETED), "x")
    tasks.finish_by_hand(pending(other, "approve").id, TaskResult(status=TaskStatus.COMPLETED), "x")
    with pytest.raises(Conflict, match=r"\(SIMPLE, SCHEDULED\)"):  # a worker's task is the worker's
        tasks.finish_by_hand(pending(other, "work").id, TaskResult(status=TaskStatus.COMPLETED), "x")
    assert pending(other, "work").status == "SCHEDULED"
