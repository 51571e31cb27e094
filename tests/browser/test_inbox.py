"""The inbox in the browser: claim an expense approval, fix an invalid field, approve; the workflow
completes with what was entered as the HUMAN task's output."""

from __future__ import annotations

import pytest

from tests.browser.conftest import USER, result, run_scenario
from tests.live import Stack

pytestmark = pytest.mark.browser

FLOW = {"name": "browser_expense", "version": 1, "schemaVersion": 2, "tasks": [
    {"name": "approve", "taskReferenceName": "approve", "type": "HUMAN", "inputParameters": {
        "assignees": "${workflow.input.approver}",
        "form": {"schema": {"type": "object", "required": ["kind", "amount"], "properties": {
            "kind": {"enum": ["travel", "food"]},
            "amount": {"type": "integer", "minimum": 1, "maximum": 5000},
            "purpose": {"type": "string", "maxLength": 80}}}, "order": ["kind", "amount", "purpose"]}}},
    {"name": "book", "taskReferenceName": "book", "type": "SET_VARIABLE",
     "inputParameters": {"approved": "${approve.output.amount}"}}]}


def test_claim_fix_an_invalid_field_approve_and_the_workflow_completes(editor_stack: Stack) -> None:
    with editor_stack.client() as api:
        api.post("/metadata/workflow", json=FLOW, params={"overwrite": "true"}).raise_for_status()
        wf_id = api.post("/workflow/browser_expense",
                         json={"approver": [USER], "note": "<b>not bold</b>"}).text.strip('"')
        # The first decision runs inside the start request: the HUMAN task exists on return.
        run = api.get(f"/workflow/{wf_id}", params={"includeTasks": "true"}).json()
        task_id = run["tasks"][0]["taskId"]
        data = result(run_scenario(editor_stack, "inbox.mjs", env={"TASK_ID": task_id}))
        assert data["badge"] == "1"
        assert "<b>not bold</b>" in data["context"]  # shown as text
        assert data["claimedText"].startswith(f"Claimed by {USER}")
        assert "greater than or equal to 1" in data["fieldError"]
        assert "Approved" in data["message"]
        run = api.get(f"/workflow/{wf_id}", params={"includeTasks": "true"}).json()
        assert run["status"] == "COMPLETED"
        human = next(t for t in run["tasks"] if t["referenceTaskName"] == "approve")
        assert human["outputData"] == {"kind": "travel", "amount": 420, "purpose": "Conference in Oslo",
                                       "decidedBy": USER}
