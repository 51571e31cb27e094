"""The task page in a real browser, by keyboard only: Tab reaches every control in page order with
a visible focus ring, Enter submits; an invalid field comes back focused with its error beside it;
a signed link's confirm page is confirmed by keyboard. Screenshots (BATON_SHOTS) light and dark."""

from __future__ import annotations

import pytest

from tests.browser.conftest import USER, result, run_scenario
from tests.live import Stack

pytestmark = pytest.mark.browser


def flow(name: str, form: bool) -> dict[str, object]:
    human = {"assignees": [USER],
             "contextParameters": {"Employee": "${workflow.input.employee}", "Amount (EUR)": "${workflow.input.amount}",
                                   "Lines": "${workflow.input.lines}"}}
    if form:
        human["form"] = {"schema": {"type": "object", "required": ["amount"], "properties": {
            "amount": {"type": "integer", "minimum": 1, "title": "Approved amount (EUR)"},
            "note": {"type": "string", "title": "Note to the employee"}}}, "order": ["amount", "note"]}
    return {"name": name, "version": 1, "schemaVersion": 2, "tasks": [
        {"name": "check_budget", "taskReferenceName": "prep", "type": "SET_VARIABLE",
         "inputParameters": {"budget": "${workflow.input.budget}"}},
        {"name": "approve_expense", "taskReferenceName": "approve", "type": "HUMAN", "inputParameters": human},
        {"name": "pay_out", "taskReferenceName": "pay", "type": "SIMPLE"}]}


def start(api, name: str, form: bool = True) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    api.post("/metadata/workflow", json=flow(name, form), params={"overwrite": "true"}).raise_for_status()
    wf_id = api.post(f"/workflow/{name}", json={
        "employee": "Kim <script>", "amount": 420, "budget": 1000,
        "lines": [{"item": "train", "eur": 380}, {"item": "taxi", "eur": 40}]}).text.strip('"')
    run = api.get(f"/workflow/{wf_id}", params={"includeTasks": "true"}).json()
    return wf_id, next(t["taskId"] for t in run["tasks"] if t["referenceTaskName"] == "approve")


def test_the_task_page_works_by_keyboard_and_a_signed_link_confirms(editor_stack: Stack) -> None:
    with editor_stack.client() as api:
        wf_id, task_id = start(api, "browser_keyboard")
        link_wf, link_task = start(api, "browser_keyboard_link", form=False)
        # The inbox row appears on first read; the command reads it.
        link = editor_stack.manage("human_link", link_task, USER, "approve").strip()
        data = result(run_scenario(editor_stack, "task_keyboard.mjs", env={"TASK_ID": task_id, "LINK_URL": link}))
        assert data["commentText"] == "Receipt <b>attached</b>, see the drive."  # text, not markup
        assert data["claimOutline"] == "solid 3px" and data["actOutline"] == "solid 3px"
        assert data["afterError"]["name"] == "amount"  # the invalid field has the focus again
        assert "greater than or equal to 1" in data["fieldError"]
        # After claiming, Tab goes from the Release button straight into the form, in its order.
        assert data["amountStops"][-2:] == ["ht-release-btn", "id_amount"]
        assert data["approveStops"][-3:] == ["id_note", "ht-reason", "ht-approve"]
        assert "Approved" in data["message"]
        assert data["linkStatus"] == "APPROVED"
        for wf in (wf_id, link_wf):
            run = api.get(f"/workflow/{wf}", params={"includeTasks": "true"}).json()
            human = next(t for t in run["tasks"] if t["referenceTaskName"] == "approve")
            assert human["status"] == "COMPLETED"
        assert human["outputData"] == {"decidedBy": USER}
        run = api.get(f"/workflow/{wf_id}", params={"includeTasks": "true"}).json()
        assert next(t for t in run["tasks"] if t["referenceTaskName"] == "approve")["outputData"] == {
            "amount": 420, "decidedBy": USER}
