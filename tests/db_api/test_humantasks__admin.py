"""Human tasks in the admin with a real staff session: the list shows assignment and status;
reassign, complete and fail go through the inbox's service (its rules, its audit), never a row
write; bad answers re-ask naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from executions.models import ExecutionEvent, Task
from orchestrator.humantasks import service
from orchestrator.humantasks.models import HumanTask
from orchestrator.services import definitions, workflows

pytestmark = [pytest.mark.db_tier, pytest.mark.django_db]

URL = "/admin/humantasks/humantask/"
FORM = {"schema": {"type": "object", "required": ["amount"], "properties": {"amount": {"type": "integer"}}}}


def start(name: str) -> str:
    definitions.save_workflow_def({"name": name, "version": 1, "tasks": [
        {"name": "approve", "taskReferenceName": "approve", "type": "HUMAN",
         "inputParameters": {"groups": ["finance"], "assignees": ["<b>zed</b>"], "form": FORM}}]}, overwrite=True)
    wf_id = workflows.start(workflows.StartRequest(name=name, input={}, created_by="req"))
    tid = Task.objects.get(workflow_id=wf_id, ref="approve").id
    service.sync()
    return tid


@pytest.fixture()
def admin_client(db: None) -> Client:
    finance = Group.objects.create(name="finance")
    for name in ("ann", "bob"):
        User.objects.create_user(name, password="pw").groups.add(finance)
    User.objects.create_user("eve", password="pw")
    client = Client()
    client.force_login(User.objects.create_superuser("root", "r@example.com", "pw"))
    return client


def act(client: Client, action: str, tid: str, **answer: str) -> Any:
    pk = HumanTask.objects.get(task_id=tid).pk
    return client.post(URL, {"action": action, "_selected_action": [pk], **answer})


def test_the_list_shows_assignment_and_status_escaped(admin_client: Client) -> None:
    start("adm_list")
    page = admin_client.get(URL).content.decode()
    assert "&lt;b&gt;zed&lt;/b&gt;, group finance" in page and "<b>zed</b>" not in page
    assert 'class="field-status">Open<' in page and "Reassign selected tasks to a user" in page


def test_reassign_asks_for_a_user_then_goes_through_the_service(admin_client: Client) -> None:
    tid = start("adm_reassign")
    ask = act(admin_client, "reassign_selected", tid)
    assert ask.status_code == 200 and 'name="assignee"' in ask.content.decode()
    assert HumanTask.objects.get(task_id=tid).status == "OPEN"  # asking changes nothing
    empty = act(admin_client, "reassign_selected", tid, post="yes", assignee="")
    assert empty.status_code == 400 and "assignee: required" in empty.content.decode()
    refused = act(admin_client, "reassign_selected", tid, post="yes", assignee="eve")
    assert refused.status_code == 302 and HumanTask.objects.get(task_id=tid).claimed_by is None
    messages = admin_client.get(URL).content.decode()
    assert "eve is not among" in messages  # the service's rule, shown per task
    assert act(admin_client, "reassign_selected", tid, post="yes", assignee="bob").status_code == 302
    row = HumanTask.objects.get(task_id=tid)
    assert (row.status, row.claimed_by.get_username()) == ("CLAIMED", "bob")
    wf_id = row.workflow_id
    note = ExecutionEvent.objects.get(workflow_id=wf_id, payload__kind="human.reassigned")
    assert (note.payload["by"], note.payload["assignee"]) == ("root", "bob")


def test_complete_checks_the_form_and_moves_the_workflow_on(admin_client: Client) -> None:
    tid = start("adm_complete")
    bad = act(admin_client, "complete_selected", tid, post="yes", data="[1]")
    assert bad.status_code == 400 and "data: must be a JSON object" in bad.content.decode()
    act(admin_client, "complete_selected", tid, post="yes", data="{}")  # misses the form's required amount
    assert "amount" in admin_client.get(URL).content.decode() and Task.objects.get(pk=tid).status == "IN_PROGRESS"
    act(admin_client, "complete_selected", tid, post="yes", data='{"amount": 9}')
    task = Task.objects.get(pk=tid)
    assert task.status == "COMPLETED" and task.output == {"amount": 9, "decidedBy": "root", "settledBy": "admin"}
    assert HumanTask.objects.get(task_id=tid).status == "APPROVED"
    note = ExecutionEvent.objects.get(workflow_id=task.workflow_id, payload__kind="human.approved")
    assert note.payload["admin"] is True and note.payload["by"] == "root"


def test_fail_needs_a_reason(admin_client: Client) -> None:
    tid = start("adm_fail")
    assert act(admin_client, "fail_selected", tid, post="yes", reason=" ").status_code == 400
    act(admin_client, "fail_selected", tid, post="yes", reason="duplicate request")
    task = Task.objects.get(pk=tid)
    assert (task.status, task.reason) == ("FAILED", "duplicate request")
    assert HumanTask.objects.get(task_id=tid).status == "REJECTED"
    again = act(admin_client, "fail_selected", tid)
    assert "none of the selected tasks is open" in again.content.decode().lower()
