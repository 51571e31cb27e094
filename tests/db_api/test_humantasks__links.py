"""Signed one-click links: GET lands on a confirm page (nothing changes), the CSRF POST claims and
decides as the intended user; tampered, expired and someone else's links are refused; four-eyes
still applies; a form that needs input sends people to the full task page."""

from __future__ import annotations

import io
import re
import time
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from executions.models import ExecutionEvent, Task, Workflow
from orchestrator.humantasks import links, service
from orchestrator.humantasks.models import HumanTask
from orchestrator.services import definitions, workflows

pytestmark = [pytest.mark.db_tier, pytest.mark.django_db]

REQUIRED_FORM = {"schema": {"type": "object", "required": ["amount"], "properties": {"amount": {"type": "integer"}}}}


def start(name: str, by: str = "req", **human: Any) -> str:
    definitions.save_workflow_def({"name": name, "version": 1, "tasks": [
        {"name": "approve", "taskReferenceName": "approve", "type": "HUMAN",
         "inputParameters": {"assignees": ["ann", "bob", "req"], "contextParameters": {"Amount": "${workflow.input.amount}"},
                             **human}}]}, overwrite=True)
    wf_id = workflows.start(workflows.StartRequest(name=name, input={"amount": 42}, created_by=by))
    return Task.objects.get(workflow_id=wf_id, ref="approve").id


@pytest.fixture()
def people(db: None) -> None:
    for name in ("ann", "bob", "req"):
        User.objects.create_user(name, password="pw")


def login(name: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=name, password="pw")
    return client


def confirm(client: Client, url: str, **fields: str) -> Any:
    """Open the confirm page, then post its form with its CSRF token, as a browser without JS would."""
    page = client.get(url)
    assert page.status_code == 200, page.content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token
    return client.post(url, {"csrfmiddlewaretoken": token.group(1), **fields})


def state(task_id: str) -> tuple[str, str]:
    service.sync()  # inbox rows appear lazily; a refused link may not have read the task at all
    return HumanTask.objects.get(task_id=task_id).status, Task.objects.get(pk=task_id).status


def test_get_shows_a_confirm_page_and_the_csrf_post_claims_and_approves(people) -> None:  # type: ignore[no-untyped-def]
    task = start("lk_ok")
    url = links.signed_link(task, User.objects.get(username="ann"), "approve")
    assert url.startswith(f"/inbox/{task}/act/")
    ann = login("ann")
    page = ann.get(url)
    assert page.status_code == 200 and 'id="ht-act-btn"' in page.content.decode()
    assert "<dt>Amount</dt><dd>42</dd>" in page.content.decode()
    assert state(task) == ("OPEN", "IN_PROGRESS")  # the GET changed nothing
    assert ann.post(url).status_code == 403  # no CSRF token
    assert state(task) == ("OPEN", "IN_PROGRESS")
    done = confirm(ann, url)
    assert done.status_code == 302 and done["Location"] == f"/inbox/{task}/"
    assert state(task) == ("APPROVED", "COMPLETED")
    assert Task.objects.get(pk=task).output == {"decidedBy": "ann"}
    wf_id = Task.objects.get(pk=task).workflow_id
    assert Workflow.objects.get(pk=wf_id).status == "COMPLETED"
    audit = ExecutionEvent.objects.filter(workflow_id=wf_id)
    assert audit.filter(payload__humanTask="claim", payload__by="ann").exists()
    assert audit.filter(payload__humanDecision="APPROVED", payload__decidedBy="ann").exists()


def test_a_tampered_or_foreign_link_is_a_400_page(people) -> None:  # type: ignore[no-untyped-def]
    task, other = start("lk_tamper"), start("lk_other")
    url = links.signed_link(task, "ann", "approve")
    prefix, raw = url.rstrip("/").rsplit("/", 1)
    forged = raw.replace(raw.split(":")[0], links.signing.b64_encode(
        b'{"t":"%s","a":"approve","u":"ann","x":9999999999}' % task.encode()).decode())
    ann = login("ann")
    for bad in (f"{prefix}/{raw[:-2]}/", f"{prefix}/{forged}/", f"{prefix}/junk/"):
        refused = ann.get(bad)
        assert refused.status_code == 400 and "altered or cut short" in refused.content.decode()
    moved = ann.get(url.replace(f"/inbox/{task}/", f"/inbox/{other}/"))  # a valid token, another task
    assert moved.status_code == 400 and "not valid for this task" in moved.content.decode()
    assert ann.post(f"{prefix}/{raw[:-2]}/").status_code in (400, 403)
    assert state(task) == ("OPEN", "IN_PROGRESS")


def test_an_expired_link_is_refused(people) -> None:  # type: ignore[no-untyped-def]
    task = start("lk_expired")
    old = links.token(task, "ann", "approve", hours=1, now=time.time() - 2 * 3600)
    ann = login("ann")
    page = ann.get(f"/inbox/{task}/act/{old}/")
    assert page.status_code == 400 and "has expired" in page.content.decode()
    fresh = links.token(task, "ann", "approve", hours=1, now=time.time() - 1800)
    assert ann.get(f"/inbox/{task}/act/{fresh}/").status_code == 200
    with pytest.raises(links.LinkRefused, match="expired"):
        links.verify(task, fresh, User.objects.get(username="ann"), now=time.time() + 3600)


def test_someone_elses_link_is_a_403_even_for_another_candidate(people) -> None:  # type: ignore[no-untyped-def]
    task = start("lk_wrong_user")
    url = links.signed_link(task, "ann", "approve")
    bob = login("bob")
    page = bob.get(url)
    assert page.status_code == 403 and "sent to ann; you are signed in as bob" in page.content.decode()
    assert bob.post(url).status_code == 403
    assert Client().get(url).status_code == 302  # sign in first
    assert state(task) == ("OPEN", "IN_PROGRESS")


def test_four_eyes_still_applies_to_a_link(people) -> None:  # type: ignore[no-untyped-def]
    task = start("lk_four_eyes", by="req", fourEyes=True)
    url = links.signed_link(task, "req", "approve")
    req = login("req")
    page = req.get(url)
    assert page.status_code == 409 and "four-eyes" in page.content.decode() and 'id="ht-act-btn"' not in page.content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', req.get("/inbox/").content.decode())
    assert csrf
    assert req.post(url, {"csrfmiddlewaretoken": csrf.group(1)}).status_code == 409
    assert state(task) == ("OPEN", "IN_PROGRESS")


def test_a_form_with_required_fields_sends_people_to_the_task_page(people) -> None:  # type: ignore[no-untyped-def]
    task = start("lk_form", form=REQUIRED_FORM)
    ann, url = login("ann"), links.signed_link(task, "ann", "approve")
    page = ann.get(url).content.decode()
    assert 'id="ht-full-page"' in page and f'href="/inbox/{task}/"' in page and 'id="ht-act-btn"' not in page
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert csrf
    assert 'id="ht-full-page"' in ann.post(url, {"csrfmiddlewaretoken": csrf.group(1)}).content.decode()
    assert state(task) == ("OPEN", "IN_PROGRESS")  # a POST cannot skip the form


def test_a_reject_link_wants_its_reason_and_a_refusal_leaves_no_claim(people) -> None:  # type: ignore[no-untyped-def]
    task = start("lk_reject")
    url = links.signed_link(task, "ann", "reject")
    ann = login("ann")
    refused = confirm(ann, url, reason="  ")
    assert refused.status_code == 400 and "a reason is required" in refused.content.decode()
    assert 'aria-describedby="err-reason"' in refused.content.decode()  # beside the field
    assert state(task) == ("OPEN", "IN_PROGRESS")  # the claim rolled back with the refused decision
    assert confirm(ann, url, reason="duplicate").status_code == 302
    assert state(task) == ("REJECTED", "FAILED")


def test_the_management_command_prints_a_working_link(people) -> None:  # type: ignore[no-untyped-def]
    task = start("lk_command")
    out = io.StringIO()
    call_command("human_link", task, "bob", "approve", "--base-url", "https://baton.example/", stdout=out)
    url = out.getvalue().strip()
    assert url.startswith(f"https://baton.example/inbox/{task}/act/")
    assert confirm(login("bob"), url.removeprefix("https://baton.example")).status_code == 302
    assert state(task) == ("APPROVED", "COMPLETED")
    with pytest.raises(CommandError, match="No user"):
        call_command("human_link", task, "nobody", "approve", stdout=io.StringIO())
