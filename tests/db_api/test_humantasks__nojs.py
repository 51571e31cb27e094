"""The task page without JavaScript and by keyboard: a browser that only submits forms can claim,
fix an error and approve (CSRF enforced); every control has a label, the focus order follows the
page, errors sit beside their fields (linked from the banner, the first one focused), and a POST
without a decision is a 400 naming the field."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from executions.models import Task, Workflow
from orchestrator.humantasks.models import HumanTask
from orchestrator.services import definitions, workflows

pytestmark = [pytest.mark.db_tier, pytest.mark.django_db]

DOC = {"name": "ht_nojs", "version": 1, "tasks": [
    {"name": "approve", "taskReferenceName": "approve", "type": "HUMAN", "inputParameters": {
        "assignees": ["ann"], "form": {"schema": {"type": "object", "required": ["amount"], "properties": {
            "amount": {"type": "integer", "minimum": 1, "title": "Amount"},
            "code": {"type": "string", "pattern": "^[A-Z]{3}$"}, "note": {"type": "string"}}},
            "order": ["amount", "code", "note"]}}}]}


class Page(HTMLParser):
    """The forms of a page as a browser without JavaScript sees them, and its focusable controls."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self.controls: list[dict[str, str]] = []  # in document (= tab) order
        self.labels: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"id": a.get("id", ""), "action": a.get("action", ""), "fields": {}, "buttons": []})
        elif tag == "label" and "for" in a:
            self.labels.add(a["for"])
        if tag in ("input", "select", "textarea", "button", "a") and a.get("type") != "hidden":
            self.controls.append({"tag": tag, **a})
        if self.forms and tag in ("input", "textarea", "select") and "name" in a:
            if a.get("type") == "hidden":
                self.forms[-1]["fields"][a["name"]] = a.get("value", "")
        if self.forms and tag == "button":
            self.forms[-1]["buttons"].append(a)

    def form(self, form_id: str) -> dict[str, Any]:
        return next(f for f in self.forms if f["id"] == form_id or form_id in f["action"])


@pytest.fixture()
def task(db: None) -> dict[str, str]:
    User.objects.create_user("ann", password="pw")
    definitions.save_workflow_def(DOC, overwrite=True)
    wf_id = workflows.start(workflows.StartRequest(name="ht_nojs", input={}, created_by="req"))
    return {"wf": wf_id, "id": Task.objects.get(workflow_id=wf_id, ref="approve").id}


@pytest.fixture()
def ann(task: dict[str, str]) -> Client:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="ann", password="pw")
    return client


def submit(client: Client, page: Page, form_id: str, **fields: str) -> Any:
    form = page.form(form_id)
    return client.post(form["action"], {**form["fields"], **fields})


def test_claim_fix_and_approve_with_plain_form_posts(ann: Client, task: dict[str, str]) -> None:
    url = f"/inbox/{task['id']}/"
    claimed = submit(ann, Page(ann.get(url).content.decode()), "/claim/")
    assert claimed.status_code == 302 and HumanTask.objects.get(task_id=task["id"]).status == "CLAIMED"
    page = Page(ann.get(url).content.decode())
    bad = submit(ann, page, "ht-form", decision="approve", amount="0", code="abc", note="x")
    assert bad.status_code == 400 and Task.objects.get(pk=task["id"]).status == "IN_PROGRESS"
    ok = submit(ann, Page(bad.content.decode()), "ht-form", decision="approve", amount="12", code="ABC", note="")
    assert ok.status_code == 302
    assert Task.objects.get(pk=task["id"]).output == {"amount": 12, "code": "ABC", "decidedBy": "ann"}
    assert Workflow.objects.get(pk=task["wf"]).status == "COMPLETED"


def test_every_control_is_labelled_and_the_focus_order_follows_the_page(ann: Client, task: dict[str, str]) -> None:
    ann.post(f"/inbox/{task['id']}/claim/", {"csrfmiddlewaretoken": Page(
        ann.get(f"/inbox/{task['id']}/").content.decode()).form("/claim/")["fields"]["csrfmiddlewaretoken"]})
    html = ann.get(f"/inbox/{task['id']}/").content.decode()
    page = Page(html)
    fields = [c for c in page.controls if c["tag"] in ("input", "select", "textarea")]
    assert [c["name"] for c in fields] == ["amount", "code", "note", "reason", "text"]
    assert all(c["id"] in page.labels for c in fields), "each field has a <label for>"
    buttons = [c for c in page.controls if c["tag"] == "button" and c.get("id", "").startswith("ht-")]
    assert [b["id"] for b in buttons] == ["ht-release-btn", "ht-approve", "ht-reject", "ht-comment-btn"]
    assert all(b["type"] == "submit" for b in buttons)
    assert not any(int(c.get("tabindex") or 0) > 0 for c in page.controls), "no tabindex reorders the page"
    assert "onclick" not in html and "javascript:" not in html
    assert ":focus-visible" in html  # the task pages draw a focus ring


def test_errors_sit_beside_their_fields_linked_from_the_banner_first_one_focused(ann: Client, task: dict[str, str]) -> None:
    client = Client()
    client.force_login(User.objects.get(username="ann"))
    client.post(f"/inbox/{task['id']}/claim/")
    bad = client.post(f"/inbox/{task['id']}/decide/", {"decision": "approve", "amount": "0", "code": "abc"})
    html = bad.content.decode()
    amount = next(c for c in Page(html).controls if c.get("name") == "amount")
    code = next(c for c in Page(html).controls if c.get("name") == "code")
    assert amount["aria-describedby"] == "err-amount" and "autofocus" in amount and amount.get("aria-invalid") == "true"
    assert code["aria-describedby"] == "err-code" and "autofocus" not in code
    assert 'id="err-amount">Ensure this value is greater than or equal to 1.</span>' in html
    assert '<a href="#id_amount">Amount: Ensure this value is greater than or equal to 1.</a>' in html
    assert html.index('href="#id_amount"') < html.index('href="#id_code"')
    refused = client.post(f"/inbox/{task['id']}/decide/", {"decision": "reject", "reason": " ", "amount": "0"})
    html = refused.content.decode()
    assert refused.status_code == 400 and 'id="err-reason">a reason is required to reject this task</span>' in html
    assert 'id="err-amount"' not in html  # a rejection does not judge the form


def test_a_post_without_a_decision_is_a_400_naming_the_field(ann: Client, task: dict[str, str]) -> None:
    client = Client()
    client.force_login(User.objects.get(username="ann"))
    client.post(f"/inbox/{task['id']}/claim/")
    for decision in (None, "maybe"):
        body = {"amount": "3"} if decision is None else {"amount": "3", "decision": decision}
        refused = client.post(f"/inbox/{task['id']}/decide/", body)
        assert refused.status_code == 400 and "decision: choose Approve or Reject" in refused.content.decode()
    assert HumanTask.objects.get(task_id=task["id"]).status == "CLAIMED"
