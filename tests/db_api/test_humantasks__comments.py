"""Comments on a human task: a CSRF form that works without JavaScript, escaped, oldest first,
open to whoever may see the task, each one a `human.commented` note on the run's event log."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from executions.models import ExecutionEvent, Task
from orchestrator.humantasks.models import HumanComment
from orchestrator.services import definitions, workflows

pytestmark = [pytest.mark.db_tier, pytest.mark.django_db]

HOSTILE = "<script>alert('c')</script>"
DOC = {"name": "ht_comments", "version": 1, "tasks": [
    {"name": "approve", "taskReferenceName": "approve", "type": "HUMAN", "inputParameters": {"assignees": ["ann", "bob"]}}]}


@pytest.fixture()
def task(db: None) -> dict[str, Any]:
    for name in ("ann", "bob", "eve"):
        User.objects.create_user(name, password="pw")
    User.objects.create_user("boss", password="pw", is_staff=True)
    definitions.save_workflow_def(DOC, overwrite=True)
    wf_id = workflows.start(workflows.StartRequest(name="ht_comments", input={}, created_by="req"))
    return {"wf": wf_id, "id": Task.objects.get(workflow_id=wf_id, ref="approve").id}


def login(name: str, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    assert client.login(username=name, password="pw")
    return client


def csrf_of(page: str) -> str:
    match = re.search(r'id="ht-comment-form">\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "the comment form carries its CSRF token"
    return match.group(1)


def test_a_plain_form_post_adds_an_escaped_comment_listed_oldest_first_and_noted(task) -> None:  # type: ignore[no-untyped-def]
    ann, bob = login("ann", csrf=True), login("bob", csrf=True)
    url = f"/inbox/{task['id']}/comment/"
    first = ann.post(url, {"text": "Receipt attached?", "csrfmiddlewaretoken": csrf_of(ann.get(f"/inbox/{task['id']}/").content.decode())})
    assert first.status_code == 302 and first["Location"] == f"/inbox/{task['id']}/#ht-comments"
    token = csrf_of(bob.get(f"/inbox/{task['id']}/").content.decode())
    assert bob.post(url, {"text": HOSTILE, "csrfmiddlewaretoken": token}).status_code == 302
    page = login("boss").get(f"/inbox/{task['id']}/").content.decode()
    assert HOSTILE not in page and "&lt;script&gt;alert(&#x27;c&#x27;)&lt;/script&gt;" in page
    assert page.index("Receipt attached?") < page.index("&lt;script&gt;")
    assert 'Comments <span class="ib-count">2</span>' in page
    notes = [e.payload for e in ExecutionEvent.objects.filter(workflow_id=task["wf"], payload__humanTask="human.commented")
             .order_by("id")]
    assert [(n["by"], n["ref"], n["taskId"], n["data"]["text"]) for n in notes] == [
        ("ann", "approve", task["id"], "Receipt attached?"), ("bob", "approve", task["id"], HOSTILE)]
    assert Task.objects.get(pk=task["id"]).status == "IN_PROGRESS"  # a comment decides nothing


def test_only_people_who_see_the_task_may_comment_and_only_by_csrf_post(task) -> None:  # type: ignore[no-untyped-def]
    url = f"/inbox/{task['id']}/comment/"
    assert login("eve").post(url, {"text": "let me in"}).status_code == 404
    assert login("ann", csrf=True).post(url, {"text": "no token"}).status_code == 403
    assert login("ann").get(url).status_code == 405
    assert login("boss").post(url, {"text": "staff may"}).status_code == 302
    assert list(HumanComment.objects.values_list("author_name", "text")) == [("boss", "staff may")]
    assert not ExecutionEvent.objects.filter(workflow_id=task["wf"], payload__by="eve").exists()


def test_an_empty_comment_is_refused_beside_the_field(task) -> None:  # type: ignore[no-untyped-def]
    refused = login("ann").post(f"/inbox/{task['id']}/comment/", {"text": "   "})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert '<span class="field-error" id="err-comment">a comment needs some text</span>' in page
    assert 'aria-describedby="err-comment"' in page
    assert not HumanComment.objects.exists()
    assert not ExecutionEvent.objects.filter(workflow_id=task["wf"], payload__humanTask="human.commented").exists()
