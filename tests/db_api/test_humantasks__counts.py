"""GET /inbox/counts/: the signed-in user's own badge numbers, as the page shows them; nothing
about tasks the user may not see; login required; never cached."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from executions.models import Task
from orchestrator.humantasks import service
from orchestrator.services import definitions, workflows

pytestmark = [pytest.mark.db_tier, pytest.mark.django_db]


def login(name: str) -> Client:
    client = Client()
    assert client.login(username=name, password="pw")
    return client


def test_counts_are_the_users_own_lists(db: None) -> None:
    ann = User.objects.create_user("ann", password="pw")
    ann.groups.add(Group.objects.create(name="finance"))
    User.objects.create_user("eve", password="pw")
    definitions.save_workflow_def({"name": "hc", "version": 1, "tasks": [
        {"name": "a", "taskReferenceName": "a", "type": "HUMAN", "inputParameters": {"groups": ["finance"]}}]},
        overwrite=True)
    ids = [Task.objects.get(workflow_id=workflows.start(workflows.StartRequest(name="hc", input={}))).id
           for _ in range(3)]
    service.claim(ids[0], ann)
    service.claim(ids[1], ann)
    service.decide(ids[1], ann, approve=True, data={})
    response = login("ann").get("/inbox/counts/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert response.json() == {"mine": 1, "claimable": 1, "done": 1}
    assert 'My tasks<span class="ib-count">1</span>' in login("ann").get("/inbox/").content.decode()
    assert login("eve").get("/inbox/counts/").json() == {"mine": 0, "claimable": 0, "done": 0}
    assert Client().get("/inbox/counts/").status_code == 302
    assert login("ann").post("/inbox/counts/").status_code == 405
    page = login("ann").get("/inbox/").content.decode()
    assert 'id="nav-inbox-count" hidden' in page and "baton/inbox_counts.js" in page
