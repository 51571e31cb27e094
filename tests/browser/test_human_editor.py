"""Issue 9's "Done when" in the browser: a newcomer defines an approval step in the editor's HUMAN
inspector (an assignee group and a form from a registered schema), saves and runs it; a colleague in
that group approves it in the inbox with the form; the run completes with what they entered."""

from __future__ import annotations

import pytest

from tests.browser.conftest import result, run_scenario
from tests.live import Stack

pytestmark = pytest.mark.browser

COLLEAGUE, COLLEAGUE_PASSWORD = "colleague-fin", "colleague-pass-5678"
EXPENSE = {"type": "object", "required": ["amount", "purpose"], "properties": {
    "amount": {"type": "integer", "minimum": 1, "maximum": 5000},
    "purpose": {"type": "string", "maxLength": 80}}}


def test_a_newcomer_defines_an_approval_in_the_editor_and_a_colleague_approves_it(editor_stack: Stack) -> None:
    with editor_stack.client() as api:
        api.post("/schema", json={"name": "expense", "version": 1, "type": "JSON", "data": EXPENSE}).raise_for_status()
    # The colleague is a real second user in "finance". Staff only because the one sign-in page
    # today is the admin's; staff does not make them a candidate (claiming checks the groups).
    editor_stack.manage("shell", "-c", (
        "from django.contrib.auth import get_user_model\n"
        "from django.contrib.auth.models import Group\n"
        f"u = get_user_model().objects.create_user({COLLEAGUE!r}, 'fin@example.com', {COLLEAGUE_PASSWORD!r}, is_staff=True)\n"
        "u.groups.add(Group.objects.get_or_create(name='finance')[0])\n"
    ))
    data = result(run_scenario(editor_stack, "human_editor.mjs", env={
        "WF_NAME": "browser_approval", "COLLEAGUE": COLLEAGUE, "COLLEAGUE_PASSWORD": COLLEAGUE_PASSWORD}))

    # what the inspector wrote: exactly the keys set, nothing empty
    [human] = data["stored"]["tasks"]
    assert human["type"] == "HUMAN" and human["taskReferenceName"] == "approve"
    assert human["inputParameters"] == {"groups": ["finance"], "fourEyes": True,
                                        "form": {"name": "expense", "version": 1, "labels": {"purpose": "What for?"}}}
    assert data["jsonError"].startswith("Not valid JSON")
    assert data["priorityError"] == "Priority is a whole number from 0 to 10."
    assert data["fieldsHint"] == "Fields: amount, purpose"

    assert "not among this task's assignees or groups" in data["newcomerClaim"]
    assert data["claimed"].startswith(f"Claimed by {COLLEAGUE}")
    assert "What for?" in data["formText"]  # the label set in the inspector, on the colleague's form
    assert "Approved" in data["message"]
    entered = {"amount": 420, "purpose": "Conference in Oslo", "decidedBy": COLLEAGUE}
    assert data["output"] == entered  # shown on the newcomer's run panel

    with editor_stack.client() as api:
        run = api.get(f"/workflow/{data['workflowId']}", params={"includeTasks": "true"}).json()
    assert run["status"] == "COMPLETED"
    [task] = run["tasks"]
    assert task["taskId"] == data["taskId"] and task["status"] == "COMPLETED"
    assert task["outputData"] == entered


def test_the_human_inspector_shows_every_agreed_key_and_writes_or_removes_exactly_the_edited_ones(
        editor_stack: Stack) -> None:
    review = {"name": "review", "taskReferenceName": "review", "type": "HUMAN", "inputParameters": {
        "assignees": ["ann", "bob"], "groups": ["finance"], "form": {"name": "expense_keys", "version": 1},
        "dueIn": "PT4H", "priority": 8, "fourEyes": True, "approvals": {"required": 2},
        "escalation": [{"after": "PT30M", "groups": ["leads"]}, {"after": 3600, "assignees": ["cfo"]}],
        "onEscalationExhausted": {"action": "COMPLETE", "output": {"approved": False}},
        "contextParameters": {"Amount": "${workflow.input.amount}"}, "note": "kept"}}
    with editor_stack.client() as api:
        api.post("/schema", json={"name": "expense_keys", "version": 1, "type": "JSON", "data": EXPENSE}).raise_for_status()
        api.post("/metadata/workflow", json={"name": "browser_human_keys", "version": 1, "schemaVersion": 2, "tasks": [
            {"name": "score", "taskReferenceName": "score_ref", "type": "SIMPLE"}, review]}).raise_for_status()
    data = result(run_scenario(editor_stack, "human_inspector.mjs", env={"WF_NAME": "browser_human_keys"}))

    assert data["shown"] == {"assignees": "ann, bob", "groups": "finance", "dueIn": "PT4H", "priority": "8",
                             "required": "2", "form": "Registered schema", "schema": "expense_keys", "steps": 2,
                             "step2": ["3600", "cfo"], "exhausted": "COMPLETE", "context": "${workflow.input.amount}"}
    assert data["generic"] == ["Value of note"]  # the generic list shows only the non-HUMAN key
    assert "${score_ref.output}" in data["offered"]
    [_, stored] = data["stored"]["tasks"]
    assert stored["inputParameters"] == {
        "groups": ["finance", "risk"], "form": {"name": "expense_keys", "version": 1},
        "dueAt": "${workflow.input.deadline}", "fourEyes": True, "approvals": {"required": 3},
        "escalation": [{"after": 3600, "assignees": ["cfo"]}, {"after": "PT30M", "groups": ["cfo-office"]}],
        "onEscalationExhausted": {"action": "FAIL"},
        "contextParameters": {"Amount": "${workflow.input.amount}", "Risk": "${score_ref.output}"}, "note": "kept"}
