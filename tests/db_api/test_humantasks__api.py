"""/api/human/ with real sessions and tokens: list scopes, filters and sort; detail; claim,
release, assign and a 2-of-2 decision with the same rules and audit as the pages; 4xx naming the
field; an ADMIN application acts for the user it names, a WORKER application may not."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from executions.models import ExecutionEvent, Task
from orchestrator.models import ApiApplication
from orchestrator.services import access, definitions, workflows

pytestmark = [pytest.mark.db_tier, pytest.mark.django_db]

FORM = {"schema": {"type": "object", "required": ["amount"],
                   "properties": {"amount": {"type": "integer", "minimum": 1}}}}


def start(name: str, correlation: str | None = None, **inputs: Any) -> str:
    definitions.save_workflow_def({"name": name, "version": 1, "tasks": [
        {"name": "approve", "taskReferenceName": "approve", "type": "HUMAN",
         "inputParameters": {"groups": ["finance"], "form": FORM, **inputs}}]}, overwrite=True)
    wf_id = workflows.start(workflows.StartRequest(name=name, input={}, created_by="req", correlation_id=correlation))
    return Task.objects.get(workflow_id=wf_id, ref="approve").id


@pytest.fixture()
def people(db: None) -> dict[str, User]:
    finance = Group.objects.create(name="finance")
    users = {n: User.objects.create_user(n, password="pw") for n in ("ann", "bob", "eve")}
    users["ann"].groups.add(finance)
    users["bob"].groups.add(finance)
    users["root"] = User.objects.create_user("root", password="pw", is_staff=True)
    return users


def session(user: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    token = _get_new_csrf_string()
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    client.defaults["HTTP_X_CSRFTOKEN"] = token
    return client


def post(client: Client, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
    return client.post(f"/api/human/tasks{path}", data=body if body is not None else {},
                       content_type="application/json", headers=headers or {})


def test_list_scopes_filters_and_sort(people) -> None:  # type: ignore[no-untyped-def]
    low = start("api_low", correlation="c-1", priority=1)
    high = start("api_high", correlation="c-2")
    Task.objects.filter(pk=high).update(priority=7)
    ann = session(people["ann"])
    page = ann.get("/api/human/tasks", {"scope": "claimable"}).json()
    assert page["totalHits"] == 2 and [r["taskId"] for r in page["results"]] == [high, low]  # priority first
    assert [r["taskId"] for r in ann.get("/api/human/tasks?scope=claimable&sort=created").json()["results"]] == [low, high]
    assert [r["taskId"] for r in ann.get("/api/human/tasks?scope=claimable&correlationId=c-1").json()["results"]] == [low]
    assert [r["taskId"] for r in ann.get("/api/human/tasks?scope=claimable&workflow=api_high").json()["results"]] == [high]
    assert [r["taskId"] for r in ann.get("/api/human/tasks?scope=claimable&priority=5").json()["results"]] == [high]
    assert ann.get("/api/human/tasks").json()["results"] == []  # mine: nothing claimed yet
    for query, field in (("scope=all", "scope"), ("scope=claimable&sort=size", "sort"),
                         ("priority=high", "priority"), ("overdue=maybe", "overdue")):
        response = ann.get(f"/api/human/tasks?{query}")
        assert response.status_code == 400 and response.json()["message"].startswith(f"{field}:"), query
    assert session(people["eve"]).get("/api/human/tasks?scope=claimable").json()["totalHits"] == 0


def test_claim_then_two_of_two_decisions_with_the_pages_rules(people) -> None:  # type: ignore[no-untyped-def]
    tid = start("api_2of2", approvals={"required": 2})
    ann, bob, eve = session(people["ann"]), session(people["bob"]), session(people["eve"])
    assert eve.get(f"/api/human/tasks/{tid}").status_code == 404  # not a candidate: not disclosed
    assert post(eve, f"/{tid}/claim").status_code == 404
    claimed = post(ann, f"/{tid}/claim").json()
    assert (claimed["status"], claimed["claimedBy"], claimed["can"]["approve"]) == ("CLAIMED", "ann", True)
    assert post(bob, f"/{tid}/claim").status_code == 409
    for body, field in (({"decision": "MAYBE"}, "decision"), ({"decision": "APPROVE", "data": []}, "data"),
                        ({"decision": "REJECT", "reason": 3}, "reason"), ({"decision": "REJECT"}, "reason")):
        response = post(ann, f"/{tid}/decision", body)
        assert response.status_code == 400 and response.json()["message"].startswith(f"{field}:"), body
    bad = post(ann, f"/{tid}/decision", {"decision": "APPROVE", "data": {"amount": 0}})
    assert bad.status_code == 400 and bad.json()["validationErrors"][0]["path"] == "$.amount"
    first = post(ann, f"/{tid}/decision", {"decision": "APPROVE", "data": {"amount": 3}}).json()
    assert (first["status"], first["approvals"]["progress"]) == ("OPEN", "1 of 2 approvals")
    assert post(ann, f"/{tid}/claim").status_code == 409  # an earlier approver cannot approve again
    post(bob, f"/{tid}/claim")
    done = post(bob, f"/{tid}/decision", {"decision": "APPROVE", "data": {"amount": 4}}).json()
    assert (done["status"], done["decidedBy"]) == ("APPROVED", "bob")
    task = Task.objects.get(pk=tid)
    assert task.status == "COMPLETED" and [a["by"] for a in task.output["approvals"]] == ["ann", "bob"]
    kinds = [e.payload["kind"] for e in ExecutionEvent.objects.filter(workflow_id=task.workflow_id,
                                                                       payload__has_key="kind").order_by("id")]
    assert kinds == ["human.claimed", "human.approved", "human.claimed", "human.approved"]
    assert [r["taskId"] for r in bob.get("/api/human/tasks?scope=done").json()["results"]] == [tid]


def test_release_and_assign(people) -> None:  # type: ignore[no-untyped-def]
    tid = start("api_assign")
    ann, root = session(people["ann"]), session(people["root"])
    post(ann, f"/{tid}/claim")
    assert post(ann, f"/{tid}/release").json()["status"] == "OPEN"
    assert post(ann, f"/{tid}/assign", {"assignee": "bob"}).status_code == 409  # no reassign permission
    response = post(root, f"/{tid}/assign", {})
    assert response.status_code == 400 and response.json()["message"].startswith("assignee:")
    response = post(root, f"/{tid}/assign", {"assignee": "eve"})
    assert response.status_code == 400 and "eve is not among" in response.json()["message"]
    assigned = post(root, f"/{tid}/assign", {"assignee": "bob"}).json()
    assert (assigned["status"], assigned["claimedBy"]) == ("CLAIMED", "bob")
    assert [r["taskId"] for r in session(people["bob"]).get("/api/human/tasks?scope=mine").json()["results"]] == [tid]


def test_session_writes_need_csrf(people) -> None:  # type: ignore[no-untyped-def]
    tid = start("api_csrf")
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["ann"])
    assert post(client, f"/{tid}/claim").status_code == 403
    assert Client().get("/api/human/tasks").status_code == 401


def test_an_admin_application_acts_for_the_user_it_names_a_worker_may_not(people) -> None:  # type: ignore[no-untyped-def]
    tid = start("api_token")
    admin_app, admin_secret = access.create_application("front", ApiApplication.ROLE_ADMIN)
    worker_app, worker_secret = access.create_application("w", ApiApplication.ROLE_WORKER)
    token = access.issue_token(admin_app.key_id, admin_secret)
    client = Client()
    response = post(client, f"/{tid}/claim", headers={"X-Authorization": token})
    assert response.status_code == 400 and response.json()["message"].startswith("X-Baton-User:")

    def as_user(name: str) -> Any:
        return post(client, f"/{tid}/claim", headers={"X-Authorization": token, "X-Baton-User": name})

    assert as_user("nobody").status_code == 400
    assert as_user("eve").status_code == 404
    claimed = as_user("ann").json()
    assert claimed["claimedBy"] == "ann"  # the rules and the audit are ann's
    worker = access.issue_token(worker_app.key_id, worker_secret)
    response = client.get("/api/human/tasks", headers={"X-Authorization": worker, "X-Baton-User": "ann"})
    assert response.status_code == 403 and response.json()["error"] == "FORBIDDEN"


def test_the_task_page_shows_the_approval_progress(people) -> None:  # type: ignore[no-untyped-def]
    tid = start("api_page", approvals={"required": 2})
    ann = session(people["ann"])
    assert '<p class="muted" id="ht-approvals">0 of 2 approvals</p>' in ann.get(f"/inbox/{tid}/").content.decode()
    post(ann, f"/{tid}/claim")
    page = ann.post(f"/inbox/{tid}/decide/", {"decision": "approve", "amount": "2"}, follow=True).content.decode()
    assert "Recorded (1 of 2 approvals): the next approver takes it from here." in page
    page = ann.get(f"/inbox/{tid}/").content.decode()
    assert "1 of 2 approvals" in page and "ann already decided on this task" in page and 'id="ht-claim-btn"' not in page
    single = start("api_page_single")
    assert 'id="ht-approvals"' not in ann.get(f"/inbox/{single}/").content.decode()
