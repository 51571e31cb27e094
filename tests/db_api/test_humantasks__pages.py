"""The /inbox/ pages with real sessions: lists, the task page's server-side form, CSRF-protected
claim and decision, errors beside the fields, escaping, and 404 for users outside the task."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from executions.models import Task, Workflow
from orchestrator.humantasks.models import HumanTask
from orchestrator.services import definitions, workflows

pytestmark = [pytest.mark.db_tier, pytest.mark.django_db]

HOSTILE = "<script>alert(1)</script>"
DOC = {"name": "ht_page", "version": 1, "tasks": [
    {"name": "approve", "taskReferenceName": "approve", "type": "HUMAN", "inputParameters": {
        "groups": ["finance"], "form": {"schema": {"type": "object", "required": ["amount", "kind"], "properties": {
            "amount": {"type": "integer", "minimum": 1, "maximum": 1000, "title": "Amount (EUR)"},
            "kind": {"enum": ["travel", "food"]},
            "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "urgent": {"type": "boolean"},
            "address": {"type": "object", "properties": {"city": {"type": "string", "minLength": 2}}}}},
            "order": ["kind", "amount"]}}}]}


@pytest.fixture()
def setup(db: None) -> dict[str, Any]:
    finance = Group.objects.create(name="finance")
    ann = User.objects.create_user("ann", password="pw")
    ann.groups.add(finance)
    User.objects.create_user("eve", password="pw")
    definitions.save_workflow_def(DOC, overwrite=True)
    wf_id = workflows.start(workflows.StartRequest(name="ht_page", input={"note": HOSTILE}, created_by="req"))
    return {"wf": wf_id, "task": Task.objects.get(workflow_id=wf_id, ref="approve").id}


def login(name: str, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    assert client.login(username=name, password="pw")
    return client


def test_the_inbox_counts_and_lists_claimable_tasks_and_hides_them_from_others(setup) -> None:  # type: ignore[no-untyped-def]
    ann = login("ann")
    page = ann.get("/inbox/").content.decode()
    assert f'href="/inbox/{setup["task"]}/"' in page
    assert 'Claimable<span class="ib-count">1</span>' in page
    eve = login("eve")
    assert setup["task"] not in eve.get("/inbox/?tab=claimable").content.decode()
    assert eve.get(f"/inbox/{setup['task']}/").status_code == 404
    assert eve.post(f"/inbox/{setup['task']}/claim/").status_code == 404
    assert Client().get("/inbox/").status_code == 302  # login required


def test_the_form_renders_from_the_schema_and_the_input_is_escaped(setup) -> None:  # type: ignore[no-untyped-def]
    ann = login("ann")
    page = ann.get(f"/inbox/{setup['task']}/").content.decode()
    assert HOSTILE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'id="ht-claim-btn"' in page and 'id="ht-form"' not in page  # claim first
    assert ann.post(f"/inbox/{setup['task']}/claim/").status_code == 302
    page = ann.get(f"/inbox/{setup['task']}/").content.decode()
    assert page.index('name="kind"') < page.index('name="amount"')  # the given order
    assert '<select name="kind"' in page and "Amount (EUR)" in page
    assert 'name="address.city"' in page and "<legend>address</legend>" in page
    assert 'type="checkbox" name="urgent"' in page


def test_state_changes_only_by_post_with_csrf(setup) -> None:  # type: ignore[no-untyped-def]
    ann = login("ann", csrf=True)
    assert ann.get(f"/inbox/{setup['task']}/").status_code == 200  # the GET sees the task, changes nothing
    assert ann.get(f"/inbox/{setup['task']}/claim/").status_code == 405
    assert ann.post(f"/inbox/{setup['task']}/claim/").status_code == 403  # no token
    assert HumanTask.objects.get(task_id=setup["task"]).status == "OPEN"


def test_bad_fields_re_render_with_errors_then_approve_moves_the_workflow(setup) -> None:  # type: ignore[no-untyped-def]
    ann = login("ann")
    ann.post(f"/inbox/{setup['task']}/claim/")
    bad = ann.post(f"/inbox/{setup['task']}/decide/", {
        "decision": "approve", "kind": '"travel"', "amount": "5000", "code": "ab", "address.city": "X"})
    assert bad.status_code == 400
    page = bad.content.decode()
    for name in ("amount", "code", "address.city"):
        assert f'id="err-{name}"' in page
    assert 'value="5000"' in page  # what was typed stays
    assert Task.objects.get(pk=setup["task"]).status == "IN_PROGRESS"
    ok = ann.post(f"/inbox/{setup['task']}/decide/", {
        "decision": "approve", "kind": '"travel"', "amount": "50", "code": "ABC", "urgent": "on", "address.city": "Oslo"})
    assert ok.status_code == 302
    task = Task.objects.get(pk=setup["task"])
    assert task.output == {"kind": "travel", "amount": 50, "code": "ABC", "urgent": True,
                           "address": {"city": "Oslo"}, "decidedBy": "ann"}
    assert Workflow.objects.get(pk=setup["wf"]).status == "COMPLETED"
    assert "ht_page" in ann.get("/inbox/?tab=done").content.decode()


def test_reject_without_a_reason_is_refused_with_a_message(setup) -> None:  # type: ignore[no-untyped-def]
    ann = login("ann")
    ann.post(f"/inbox/{setup['task']}/claim/")
    refused = ann.post(f"/inbox/{setup['task']}/decide/", {"decision": "reject", "reason": ""})
    assert refused.status_code == 400 and "a reason is required" in refused.content.decode()
    assert ann.post(f"/inbox/{setup['task']}/decide/", {"decision": "reject", "reason": HOSTILE}).status_code == 302
    page = ann.get(f"/inbox/{setup['task']}/").content.decode()
    assert "Rejected by ann" in page and HOSTILE not in page
