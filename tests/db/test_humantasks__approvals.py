"""N-of-M approvals and reassignment against PostgreSQL: distinct approvers, each vote recorded
and audited, the last approval completes the task with every approval in its output, rejections
fail it, two votes at once never count twice; reassign by staff or a permitted group member."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db import connections

from executions.models import ExecutionEvent, Task, Workflow
from orchestrator.humantasks import service, voting
from orchestrator.humantasks.models import HumanApproval, HumanTask
from orchestrator.services import definitions, workflows
from orchestrator.services.errors import Conflict, InvalidInput

pytestmark = [pytest.mark.db_tier]

FORM = {"schema": {"type": "object", "properties": {"amount": {"type": "integer"}}}}


def start(name: str, by: str = "req", **inputs: Any) -> str:
    definitions.save_workflow_def({"name": name, "version": 1, "tasks": [
        {"name": "approve", "taskReferenceName": "approve", "type": "HUMAN",
         "inputParameters": {"groups": ["finance"], "form": FORM, **inputs}}]}, overwrite=True)
    wf_id = workflows.start(workflows.StartRequest(name=name, input={}, created_by=by))
    return Task.objects.get(workflow_id=wf_id, ref="approve").id


def approve(tid: str, user: User, **data: Any) -> None:
    service.claim(tid, user)
    service.decide(tid, user, approve=True, data=data)


def kinds(tid: str) -> list[tuple[str, str]]:
    wf_id = Task.objects.get(pk=tid).workflow_id
    return [(e.payload["kind"], e.payload["by"]) for e in
            ExecutionEvent.objects.filter(workflow_id=wf_id, payload__has_key="kind").order_by("id")]


@pytest.fixture()
def people(db: None) -> dict[str, User]:
    finance = Group.objects.create(name="finance")
    users = {n: User.objects.create_user(n, password="pw") for n in ("ann", "bob", "cy", "eve", "lead")}
    for n in ("ann", "bob", "cy", "lead"):
        users[n].groups.add(finance)
    users["root"] = User.objects.create_user("root", password="pw", is_staff=True)
    return users


@pytest.mark.django_db
def test_two_of_three_needs_two_distinct_approvers_and_outputs_both(people) -> None:  # type: ignore[no-untyped-def]
    tid = start("ap_2of3", approvals={"required": 2})
    approve(tid, people["ann"], amount=5)
    row = HumanTask.objects.get(task_id=tid)
    assert (row.status, row.claimed_by) == ("OPEN", None)  # back in the queue for the next approver
    assert Task.objects.get(pk=tid).status == "IN_PROGRESS"
    assert voting.progress_line(row) == "1 of 2 approvals"
    with pytest.raises(Conflict, match="already decided on this task"):
        service.claim(tid, people["ann"])  # four-eyes per approver
    assert [r.task_id for r in service.inbox(people["ann"])["claimable"]] == []
    approve(tid, people["bob"], amount=7)
    task = Task.objects.get(pk=tid)
    assert task.status == "COMPLETED" and Workflow.objects.get(pk=task.workflow_id).status == "COMPLETED"
    out = task.output
    assert (out["amount"], out["decidedBy"]) == (7, "bob")
    assert [(a["by"], a["data"]) for a in out["approvals"]] == [("ann", {"amount": 5}), ("bob", {"amount": 7})]
    assert HumanTask.objects.get(task_id=tid).status == "APPROVED"
    assert list(HumanApproval.objects.filter(task__task_id=tid).values_list("username", flat=True)) == ["ann", "bob"]
    assert kinds(tid) == [("human.claimed", "ann"), ("human.approved", "ann"),
                          ("human.claimed", "bob"), ("human.approved", "bob")]
    note = ExecutionEvent.objects.filter(workflow_id=task.workflow_id, payload__humanTask="vote").get()
    assert note.payload["approvals"] == "1 of 2 approvals" and note.payload["ref"] == "approve"


@pytest.mark.django_db
def test_one_rejection_fails_it_unless_rejections_to_fail_says_more(people) -> None:  # type: ignore[no-untyped-def]
    strict = start("ap_strict", approvals={"required": 2})
    approve(strict, people["ann"])
    service.claim(strict, people["bob"])
    with pytest.raises(InvalidInput, match="reason"):
        service.decide(strict, people["bob"], approve=False)
    service.decide(strict, people["bob"], approve=False, reason="over budget")
    task = Task.objects.get(pk=strict)
    assert (task.status, task.reason) == ("FAILED", "over budget")
    assert task.output["rejections"][0]["by"] == "bob" and task.output["approvals"][0]["by"] == "ann"
    assert HumanTask.objects.get(task_id=strict).status == "REJECTED"

    lenient = start("ap_lenient", approvals={"required": 2, "rejectionsToFail": 2})
    service.claim(lenient, people["ann"])
    service.decide(lenient, people["ann"], approve=False, reason="unsure")
    assert (HumanTask.objects.get(task_id=lenient).status, Task.objects.get(pk=lenient).status) == ("OPEN", "IN_PROGRESS")
    approve(lenient, people["bob"])
    approve(lenient, people["cy"])
    assert Task.objects.get(pk=lenient).status == "COMPLETED"
    assert kinds(lenient)[1] == ("human.rejected", "ann")


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_never_count_twice(people) -> None:  # type: ignore[no-untyped-def]
    tid = start("ap_race", approvals={"required": 2})
    approve(tid, people["ann"])
    service.claim(tid, people["bob"])
    gate = threading.Barrier(2)
    outcomes: list[str] = []

    def decide() -> None:  # the same claimed approval sent twice at once (a double click, two tabs)
        try:
            gate.wait(10)
            service.decide(tid, people["bob"], approve=True, data={"amount": 1})
            outcomes.append("ok")
        except Conflict:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["ok", "refused"]
    assert HumanApproval.objects.filter(task__task_id=tid).count() == 2
    task = Task.objects.get(pk=tid)
    assert task.status == "COMPLETED" and len(task.output["approvals"]) == 2
    wf_id = task.workflow_id
    assert ExecutionEvent.objects.filter(workflow_id=wf_id, payload__humanDecision="APPROVED").count() == 1


@pytest.mark.django_db(transaction=True)
def test_first_votes_at_once_on_a_three_of_three_count_once(people) -> None:  # type: ignore[no-untyped-def]
    tid = start("ap_race_first", approvals={"required": 3})
    service.claim(tid, people["ann"])
    gate = threading.Barrier(2)
    outcomes: list[str] = []

    def decide() -> None:
        try:
            gate.wait(10)
            service.decide(tid, people["ann"], approve=True)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["ok", "refused"]
    assert HumanApproval.objects.filter(task__task_id=tid).count() == 1
    assert voting.progress_line(HumanTask.objects.get(task_id=tid)) == "1 of 3 approvals"


@pytest.mark.django_db
def test_reassign_by_staff_or_a_permitted_group_member_to_an_eligible_user(people) -> None:  # type: ignore[no-untyped-def]
    tid = start("ap_reassign", approvals={"required": 2})
    service.claim(tid, people["ann"])
    with pytest.raises(Conflict, match="may not reassign"):
        service.reassign(tid, people["bob"], "cy")  # a candidate without the permission
    row = service.reassign(tid, people["root"], "bob")
    assert (row.status, row.claimed_by) == ("CLAIMED", people["bob"])
    service.decide(tid, people["bob"], approve=True)  # the assignee decides
    people["lead"].user_permissions.add(Permission.objects.get(codename="reassign_humantask"))
    lead = User.objects.get(pk=people["lead"].pk)  # a fresh object: permissions are cached per instance
    with pytest.raises(InvalidInput, match="assignee: eve is not among"):
        service.reassign(tid, lead, "eve")
    with pytest.raises(InvalidInput, match="assignee: four-eyes: bob already decided"):
        service.reassign(tid, lead, "bob")
    with pytest.raises(InvalidInput, match="assignee: no active user"):
        service.reassign(tid, lead, "nobody")
    assert service.reassign(tid, lead, "cy").claimed_by == people["cy"]
    wf_id = Task.objects.get(pk=tid).workflow_id
    notes = [e.payload for e in ExecutionEvent.objects.filter(workflow_id=wf_id, payload__kind="human.reassigned")
             .order_by("id")]
    assert [(n["by"], n["assignee"], n["previous"]) for n in notes] == [("root", "bob", "ann"), ("lead", "cy", None)]
