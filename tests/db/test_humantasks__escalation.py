"""Due times and escalation against PostgreSQL: the row resolves dueIn/dueAt and priority, the
sweep replaces the candidates and releases a claim through the runtime (audited), an exhausted
chain fails or completes the task as a decision would, and two racing sweeps apply a step once."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.db import connections
from django.utils import timezone

from executions.models import ExecutionEvent, Task, Workflow
from orchestrator.humantasks import service, sweep
from orchestrator.humantasks.models import HumanTask
from orchestrator.services import definitions, workflows
from orchestrator.services.errors import Conflict

pytestmark = [pytest.mark.db_tier]

CHAIN = [{"after": "PT1H", "groups": ["l2"]}, {"after": 1800, "assignees": ["boss"]}]


def run(name: str, wf_input: dict[str, Any] | None = None, correlation: str | None = None, **inputs: Any) -> str:
    definitions.save_workflow_def({"name": name, "version": 1, "tasks": [
        {"name": "approve", "taskReferenceName": "approve", "type": "HUMAN",
         "inputParameters": {"groups": ["l1"], "reasonRequiredOnReject": False, **inputs}},
        {"name": "after", "taskReferenceName": "after", "type": "SET_VARIABLE",
         "inputParameters": {"x": "${approve.output.approved}"}}]}, overwrite=True)
    return workflows.start(workflows.StartRequest(name=name, input=wf_input or {}, created_by="req",
                                                  correlation_id=correlation))


def row_of(wf_id: str) -> HumanTask:
    service.sync()
    return HumanTask.objects.get(task_id=Task.objects.get(workflow_id=wf_id, ref="approve").id)


def notes(wf_id: str) -> list[dict[str, Any]]:
    return [e.payload for e in ExecutionEvent.objects.filter(workflow_id=wf_id, payload__kind="human.escalated")
            .order_by("id")]


@pytest.fixture()
def people(db: None) -> dict[str, User]:
    users = {n: User.objects.create_user(n, password="pw") for n in ("ann", "lee", "boss")}
    users["ann"].groups.add(Group.objects.create(name="l1"))
    users["lee"].groups.add(Group.objects.create(name="l2"))
    return users


@pytest.mark.django_db
def test_the_row_resolves_due_time_priority_correlation_and_the_first_escalation(people) -> None:  # type: ignore[no-untyped-def]
    wf_id = run("hte_due", {"p": 9}, correlation="order-7", dueIn="PT4H", priority="${workflow.input.p}",
                escalation=CHAIN)
    row = row_of(wf_id)
    assert row.due_at == row.created + timedelta(hours=4)
    assert (row.priority, row.correlation_id, row.escalation_level) == (9, "order-7", 0)
    assert row.next_escalation_at == row.created + timedelta(hours=1)
    at = run("hte_due_at", {"deadline": "2030-01-02T03:04:05Z"}, dueAt="${workflow.input.deadline}")
    row = row_of(at)
    assert (row.due_at.isoformat(), row.priority, row.next_escalation_at) == ("2030-01-02T03:04:05+00:00", 5, None)


@pytest.mark.django_db
def test_a_due_step_replaces_the_candidates_releases_the_claim_and_is_audited(people) -> None:  # type: ignore[no-untyped-def]
    wf_id = run("hte_step", escalation=CHAIN)
    tid = row_of(wf_id).task_id
    service.claim(tid, people["ann"])
    start = row_of(wf_id).created
    assert sweep.sweep(start + timedelta(minutes=59)) == 0
    assert sweep.sweep(start + timedelta(hours=1)) == 1
    row = row_of(wf_id)
    assert (row.status, row.claimed_by, row.candidate_groups, row.escalation_level) == ("OPEN", None, ["l2"], 1)
    assert row.next_escalation_at == start + timedelta(hours=1, minutes=30)
    assert [r.task_id for r in service.inbox(people["lee"])["claimable"]] == [tid]
    assert service.inbox(people["ann"])["claimable"] == [] and service.inbox(people["ann"])["mine"] == []
    with pytest.raises(Conflict):
        service.claim(tid, people["ann"])
    [note] = notes(wf_id)
    assert note["taskId"] == tid and note["ref"] == "approve" and note["by"] == "escalation"
    assert note["data"] == {"level": 1, "assignees": [], "groups": ["l2"], "released": "ann"}
    assert Task.objects.get(pk=tid).status == "IN_PROGRESS"  # the execution itself did not move
    # The second step waits its own `after` from the first.
    assert sweep.sweep(start + timedelta(hours=1, minutes=29)) == 0
    assert sweep.sweep(start + timedelta(hours=1, minutes=30)) == 1
    assert row_of(wf_id).candidate_users == ["boss"]
    # No onEscalationExhausted: it stays with the last candidates.
    assert row_of(wf_id).next_escalation_at is None
    assert sweep.sweep(start + timedelta(days=30)) == 0


@pytest.mark.django_db
def test_exhausted_fail_fails_the_task_and_the_workflow_through_the_runtime(people) -> None:  # type: ignore[no-untyped-def]
    wf_id = run("hte_fail", escalation=CHAIN[:1], onEscalationExhausted={"action": "FAIL"})
    start = row_of(wf_id).created
    assert sweep.sweep(start + timedelta(hours=1)) == 1
    assert sweep.sweep(start + timedelta(hours=2)) == 1
    task = Task.objects.get(workflow_id=wf_id, ref="approve")
    assert (task.status, task.output) == ("FAILED", {"escalationExhausted": True})
    assert "escalation exhausted" in (task.reason or "")
    assert Workflow.objects.get(pk=wf_id).status == "FAILED"
    row = row_of(wf_id)
    assert (row.status, row.escalation_level, row.next_escalation_at) == ("CLOSED", 2, None)
    assert [n["data"].get("exhausted") for n in notes(wf_id)] == [None, "FAIL"]
    decision = ExecutionEvent.objects.get(workflow_id=wf_id, payload__has_key="humanDecision").payload
    assert (decision["humanDecision"], decision["decidedBy"]) == ("REJECTED", "escalation")


@pytest.mark.django_db
def test_exhausted_complete_completes_with_the_default_output_and_the_run_moves_on(people) -> None:  # type: ignore[no-untyped-def]
    wf_id = run("hte_ok", escalation=[{"after": 60, "assignees": ["boss"]}],
                onEscalationExhausted={"action": "COMPLETE", "output": {"approved": "auto"}})
    start = row_of(wf_id).created
    sweep.sweep(start + timedelta(minutes=1))
    sweep.sweep(start + timedelta(minutes=2))
    task = Task.objects.get(workflow_id=wf_id, ref="approve")
    assert (task.status, task.output) == ("COMPLETED", {"approved": "auto", "escalationExhausted": True})
    assert Task.objects.get(workflow_id=wf_id, ref="after").input == {"x": "auto"}
    assert Workflow.objects.get(pk=wf_id).status == "COMPLETED"


@pytest.mark.django_db
def test_a_decided_task_does_not_escalate(people) -> None:  # type: ignore[no-untyped-def]
    wf_id = run("hte_done", escalation=CHAIN)
    tid = row_of(wf_id).task_id
    service.claim(tid, people["ann"])
    service.decide(tid, people["ann"], approve=True, data={})
    assert sweep.sweep(timezone.now() + timedelta(days=1)) == 0 and notes(wf_id) == []


@pytest.mark.django_db
def test_a_step_planned_twice_applies_once(people) -> None:  # type: ignore[no-untyped-def]
    wf_id = run("hte_twice", escalation=CHAIN)
    row = row_of(wf_id)
    now = row.created + timedelta(hours=1)
    first, second = sweep.plan(row.task_id, now), sweep.plan(row.task_id, now)
    assert first is not None and second is not None
    from orchestrator.services import runtime

    runtime.execute(first)
    with pytest.raises(sweep.Stale):
        runtime.execute(second)
    assert len(notes(wf_id)) == 1 and row_of(wf_id).escalation_level == 1


@pytest.mark.django_db(transaction=True)
def test_two_racing_sweeps_apply_each_step_once(people) -> None:  # type: ignore[no-untyped-def]
    wf_ids = [run(f"hte_race{i}", escalation=CHAIN, onEscalationExhausted={"action": "FAIL"}) for i in range(3)]
    now = max(row_of(w).created for w in wf_ids) + timedelta(hours=1)
    gate = threading.Barrier(2)
    applied: list[int] = []

    def go() -> None:
        try:
            gate.wait(10)
            applied.append(sweep.sweep(now))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(applied) == 3
    for wf_id in wf_ids:
        assert len(notes(wf_id)) == 1 and row_of(wf_id).escalation_level == 1
