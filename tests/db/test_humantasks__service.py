"""Human tasks against PostgreSQL: rows appear for every HUMAN task, claim/release/decide follow
the transition table, four-eyes and candidates are enforced, a decision moves the workflow on."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.db import connections

from executions.models import ExecutionEvent, Task, Workflow
from orchestrator.humantasks import service
from orchestrator.humantasks.models import HumanTask
from orchestrator.services import definitions, workflows
from orchestrator.services.errors import Conflict, InvalidInput

pytestmark = [pytest.mark.db_tier]

FORM = {"schema": {"type": "object", "required": ["amount"],
                   "properties": {"amount": {"type": "integer", "minimum": 1}, "note": {"type": "string"}}}}


def doc(name: str, **inputs: Any) -> dict[str, Any]:
    return {"name": name, "version": 1, "tasks": [
        {"name": "approve", "taskReferenceName": "approve", "type": "HUMAN",
         "inputParameters": {"form": FORM, **inputs}},
        {"name": "after", "taskReferenceName": "after", "type": "SET_VARIABLE",
         "inputParameters": {"amount": "${approve.output.amount}"}}]}


def run(definition: dict[str, Any], by: str = "req", wf_input: dict[str, Any] | None = None) -> str:
    definitions.save_workflow_def(definition, overwrite=True)
    return workflows.start(workflows.StartRequest(name=definition["name"], input=wf_input or {}, created_by=by))


def human_task(wf_id: str, ref: str = "approve") -> str:
    return Task.objects.get(workflow_id=wf_id, ref=ref).id


@pytest.fixture()
def people(db: None) -> dict[str, User]:
    finance = Group.objects.create(name="finance")
    users = {n: User.objects.create_user(n, password="pw") for n in ("ann", "bob", "req", "eve")}
    for n in ("ann", "bob", "req"):
        users[n].groups.add(finance)
    return users


@pytest.mark.django_db
def test_approve_completes_the_task_with_the_form_data_and_the_workflow_moves_on(people) -> None:  # type: ignore[no-untyped-def]
    wf_id = run(doc("ht_ok", groups=["finance"]))
    tid = human_task(wf_id)
    row = service.claim(tid, people["ann"])
    assert (row.status, row.claimed_by) == ("CLAIMED", people["ann"])
    service.decide(tid, people["ann"], approve=True, data={"amount": 5})
    task = Task.objects.get(pk=tid)
    assert (task.status, task.output) == ("COMPLETED", {"amount": 5, "decidedBy": "ann"})
    assert Workflow.objects.get(pk=wf_id).status == "COMPLETED"
    row = HumanTask.objects.get(task_id=tid)
    assert (row.status, row.decided_by, row.data) == ("APPROVED", people["ann"], {"amount": 5})
    note = ExecutionEvent.objects.filter(workflow_id=wf_id, payload__humanDecision="APPROVED").get()
    assert note.payload["decidedBy"] == "ann" and note.payload["taskId"] == tid


@pytest.mark.django_db
def test_reject_needs_a_reason_and_fails_the_task_with_it(people) -> None:  # type: ignore[no-untyped-def]
    wf_id = run(doc("ht_rej", assignees=["bob"]))
    tid = human_task(wf_id)
    service.claim(tid, people["bob"])
    with pytest.raises(InvalidInput, match="reason"):
        service.decide(tid, people["bob"], approve=False, reason="  ")
    service.decide(tid, people["bob"], approve=False, reason="too expensive")
    task = Task.objects.get(pk=tid)
    assert task.status == "FAILED" and task.reason == "too expensive"
    assert Task.objects.filter(workflow_id=wf_id, ref="approve").count() == 1  # a rejection is not retried
    assert Workflow.objects.get(pk=wf_id).status == "FAILED"
    assert HumanTask.objects.get(task_id=tid).status == "REJECTED"


@pytest.mark.django_db
def test_invalid_data_is_refused_naming_the_path_and_nothing_changes(people) -> None:  # type: ignore[no-untyped-def]
    wf_id = run(doc("ht_bad"))
    tid = human_task(wf_id)
    service.claim(tid, people["eve"])  # no assignment: anyone signed in
    with pytest.raises(InvalidInput) as err:
        service.decide(tid, people["eve"], approve=True, data={"amount": 0})
    assert err.value.validation_errors[0]["path"] == "$.amount"
    assert Task.objects.get(pk=tid).status == "IN_PROGRESS"
    assert HumanTask.objects.get(task_id=tid).status == "CLAIMED"


@pytest.mark.django_db
def test_transitions_claim_release_and_who_may(people) -> None:  # type: ignore[no-untyped-def]
    tid = human_task(run(doc("ht_tr", groups=["finance"])))
    with pytest.raises(Conflict, match="not among"):
        service.claim(tid, people["eve"])  # outside the candidates
    with pytest.raises(Conflict, match="cannot approve a task that is OPEN"):
        service.decide(tid, people["ann"], approve=True, data={"amount": 1})
    service.claim(tid, people["ann"])
    with pytest.raises(Conflict, match="cannot claim a task that is CLAIMED"):
        service.claim(tid, people["bob"])
    with pytest.raises(Conflict, match="only the user who claimed"):
        service.decide(tid, people["bob"], approve=True, data={"amount": 1})
    with pytest.raises(Conflict, match="only the user who claimed"):
        service.release(tid, people["bob"])
    assert service.release(tid, people["ann"]).status == "OPEN"
    assert service.claim(tid, people["bob"]).claimed_by == people["bob"]
    wf_id = Task.objects.get(pk=tid).workflow_id
    audit = [(e.payload["humanTask"], e.payload["by"])
             for e in ExecutionEvent.objects.filter(workflow_id=wf_id, payload__has_key="humanTask").order_by("id")]
    assert audit == [("claim", "ann"), ("release", "ann"), ("claim", "bob")]  # refused steps leave no trace


@pytest.mark.django_db
def test_four_eyes_stops_the_starter_and_an_earlier_decider(people) -> None:  # type: ignore[no-untyped-def]
    two = {"name": "ht_4e", "version": 1, "tasks": [
        {"name": "h", "taskReferenceName": f"h{i}", "type": "HUMAN",
         "inputParameters": {"groups": ["finance"], "fourEyes": True}} for i in (1, 2)]}
    wf_id = run(two, by="req")
    first = human_task(wf_id, "h1")
    with pytest.raises(Conflict, match="four-eyes"):
        service.claim(first, people["req"])
    service.claim(first, people["ann"])
    service.decide(first, people["ann"], approve=True)
    second = human_task(wf_id, "h2")
    with pytest.raises(Conflict, match="four-eyes"):
        service.claim(second, people["ann"])
    service.claim(second, people["bob"])
    service.decide(second, people["bob"], approve=True)
    assert Workflow.objects.get(pk=wf_id).status == "COMPLETED"


@pytest.mark.django_db
def test_the_inbox_lists_only_what_a_user_may_see(people) -> None:  # type: ignore[no-untyped-def]
    fin = human_task(run(doc("ht_in1", groups=["finance"])))
    bobs = human_task(run(doc("ht_in2", assignees=["bob"])))
    assert [r.task_id for r in service.inbox(people["eve"])["claimable"]] == []
    assert {r.task_id for r in service.inbox(people["bob"])["claimable"]} == {fin, bobs}
    assert [r.task_id for r in service.inbox(people["ann"])["claimable"]] == [fin]
    service.claim(fin, people["ann"])
    ann = service.inbox(people["ann"])
    assert ([r.task_id for r in ann["mine"]], ann["claimable"]) == ([fin], [])
    assert [r.task_id for r in service.inbox(people["bob"])["claimable"]] == [bobs]
    service.decide(fin, people["ann"], approve=True, data={"amount": 2})
    assert [r.task_id for r in service.inbox(people["ann"])["done"]] == [fin]


@pytest.mark.django_db
def test_a_task_ended_elsewhere_leaves_the_inbox(people) -> None:  # type: ignore[no-untyped-def]
    wf_id = run(doc("ht_term", groups=["finance"]))
    tid = human_task(wf_id)
    assert service.inbox(people["ann"])["claimable"]
    workflows.terminate(wf_id, "stop")
    assert service.inbox(people["ann"])["claimable"] == []
    assert HumanTask.objects.get(task_id=tid).status == "CLOSED"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_decisions_exactly_one_lands(people) -> None:  # type: ignore[no-untyped-def]
    wf_id = run(doc("ht_race", groups=["finance"]))
    tid = human_task(wf_id)
    service.claim(tid, people["ann"])
    gate = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(approve: bool) -> None:
        try:
            gate.wait(10)
            service.decide(tid, people["ann"], approve=approve, data={"amount": 3}, reason="no")
            outcomes.append("ok")
        except Conflict as exc:
            outcomes.append(f"refused: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(flag,)) for flag in (True, False)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(o.split(":")[0] for o in outcomes) == ["ok", "refused"]
    row = HumanTask.objects.get(task_id=tid)
    task = Task.objects.get(pk=tid)
    assert (row.status, task.status) in {("APPROVED", "COMPLETED"), ("REJECTED", "FAILED")}
    assert ExecutionEvent.objects.filter(workflow_id=wf_id, payload__has_key="humanDecision").count() == 1


@pytest.mark.django_db
def test_a_registered_schema_is_the_form_copied_when_the_task_is_first_seen(people) -> None:  # type: ignore[no-untyped-def]
    from orchestrator.schemas import service as schemas

    schemas.save_schemas([{"name": "ht_expense", "version": 1, "type": "JSON",
                           "data": {"type": "object", "required": ["iban"], "properties": {"iban": {"type": "string"}}}}])
    wf_id = run({"name": "ht_reg", "version": 1, "tasks": [
        {"name": "h", "taskReferenceName": "approve", "type": "HUMAN",
         "inputParameters": {"form": {"name": "ht_expense", "version": 1}, "reasonRequiredOnReject": False}}]})
    tid = human_task(wf_id)
    service.claim(tid, people["ann"])
    assert HumanTask.objects.get(task_id=tid).form["schema"]["required"] == ["iban"]
    with pytest.raises(InvalidInput, match="iban"):
        service.decide(tid, people["ann"], approve=True, data={})
    service.decide(tid, people["ann"], approve=False)  # no reason needed here
    assert Task.objects.get(pk=tid).status == "FAILED"


@pytest.mark.django_db
def test_a_form_schema_built_from_refs_draws_and_checks_the_referenced_fields(people) -> None:  # type: ignore[no-untyped-def]
    from orchestrator.humantasks.forms import schema_form
    from orchestrator.schemas import service as schemas

    schemas.save_schemas([
        {"name": "ht_address", "version": 1, "type": "JSON", "data": {
            "type": "object", "required": ["zip"], "properties": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}}}},
        {"name": "ht_claim", "version": 1, "type": "JSON", "data": {
            "type": "object", "required": ["amount", "ship"], "properties": {
                "amount": {"type": "integer"}, "ship": {"$ref": "baton:schema/ht_address/1", "title": "Ship to"}}}}])
    wf_id = run({"name": "ht_refs", "version": 1, "tasks": [
        {"name": "h", "taskReferenceName": "approve", "type": "HUMAN",
         "inputParameters": {"form": {"name": "ht_claim", "version": 1}}}]})
    tid = human_task(wf_id)
    service.claim(tid, people["ann"])
    spec = HumanTask.objects.get(task_id=tid).form
    form = schema_form(spec["schema"])
    # (PostgreSQL's jsonb keeps no key order: a form's `order` input sets it)
    assert sorted(form.fields) == ["amount", "ship.zip"]  # the referenced schema's field is drawn
    assert sorted(s.legend for s in form.fieldsets) == ["", "Ship to"]  # under the ref's own title
    with pytest.raises(InvalidInput, match="zip"):
        service.decide(tid, people["ann"], approve=True, data={"amount": 3, "ship": {"zip": "x"}})
    service.decide(tid, people["ann"], approve=True, data={"amount": 3, "ship": {"zip": "12345"}})
    assert Task.objects.get(pk=tid).output["ship"] == {"zip": "12345"}


@pytest.mark.django_db(transaction=True)
def test_two_people_claiming_at_once_one_gets_it(people) -> None:  # type: ignore[no-untyped-def]
    tid = human_task(run(doc("ht_race_claim", groups=["finance"])))
    service.inbox(people["ann"])  # the row exists before the race
    gate = threading.Barrier(2)
    winners: list[str] = []
    refused: list[str] = []

    def claim(name: str) -> None:
        try:
            gate.wait(10)
            service.claim(tid, people[name])
            winners.append(name)
        except Conflict:
            refused.append(name)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(n,)) for n in ("ann", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(winners) == 1 and len(refused) == 1
    assert HumanTask.objects.get(task_id=tid).claimed_by == people[winners[0]]


@pytest.mark.django_db
def test_an_assignment_that_resolves_to_nobody_is_claimable_by_nobody(people) -> None:  # type: ignore[no-untyped-def]
    tid = human_task(run(doc("ht_nobody", assignees="${workflow.input.approver}")))  # no approver given
    assert service.inbox(people["eve"])["claimable"] == []
    with pytest.raises(Conflict, match="not among"):
        service.claim(tid, people["ann"])
