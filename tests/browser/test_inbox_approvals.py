"""A 2-of-3 approval in the browser: two distinct approvers are needed; the first cannot approve
again; the second's approval completes the workflow with both approvals in the task's output."""

from __future__ import annotations

import pytest

from tests.browser.conftest import result, run_scenario
from tests.live import Stack

pytestmark = pytest.mark.browser

PASSWORD = "approver-pass-1234"
FLOW = {"name": "browser_two_of_three", "version": 1, "schemaVersion": 2, "tasks": [
    {"name": "approve", "taskReferenceName": "approve", "type": "HUMAN", "inputParameters": {
        "assignees": ["ann", "bob", "cy"], "approvals": {"required": 2},
        "form": {"schema": {"type": "object", "required": ["amount"],
                            "properties": {"amount": {"type": "integer", "minimum": 1}}}}}}]}


def test_two_of_three_needs_two_distinct_approvers(editor_stack: Stack) -> None:
    # Ordinary users in a group, not staff: they sign in at /login/ (the admin's login takes staff
    # only), and the inbox's candidate and four-eyes rules apply to them in full.
    editor_stack.manage("shell", "-c", (
        "from django.contrib.auth.models import Group, User\n"
        "finance = Group.objects.get_or_create(name='finance')[0]\n"
        f"for n in ('ann', 'bob', 'cy'): User.objects.create_user(n, password={PASSWORD!r}).groups.add(finance)"
    ))
    with editor_stack.client() as api:
        api.post("/metadata/workflow", json=FLOW, params={"overwrite": "true"}).raise_for_status()
        wf_id = api.post("/workflow/browser_two_of_three", json={}).text.strip('"')
        task_id = api.get(f"/workflow/{wf_id}", params={"includeTasks": "true"}).json()["tasks"][0]["taskId"]
        other = api.post("/workflow/browser_two_of_three", json={}).text.strip('"')
        data = result(run_scenario(editor_stack, "inbox_approvals.mjs",
                                   env={"TASK_ID": task_id, "APPROVER_PASSWORD": PASSWORD}))
        assert "Recorded (1 of 2 approvals)" in data["annMessage"]
        assert data["annAgain"]["progress"] == "1 of 2 approvals"
        assert data["annAgain"]["claimButtons"] == 0 and "ann already decided" in data["annAgain"]["claim"]
        assert data["bobListed"] == 1
        assert "Approved" in data["bobMessage"]
        assert "ann, bob, cy" in data["admin"]["listed"] and "Approved" in data["admin"]["listed"]
        assert "Reassign human tasks: 1 open or claimed task" in data["admin"]["asked"]
        assert "Done for 1 task(s)." in data["admin"]["done"]
        theirs = api.get(f"/workflow/{other}", params={"includeTasks": "true"}).json()["tasks"][0]["taskId"]
        run = api.get(f"/workflow/{wf_id}", params={"includeTasks": "true"}).json()
        assert run["status"] == "COMPLETED"
        out = run["tasks"][0]["outputData"]
        assert (out["decidedBy"], out["amount"]) == ("bob", 120)
        assert [(a["by"], a["data"]) for a in out["approvals"]] == [("ann", {"amount": 100}), ("bob", {"amount": 120})]
        # the admin's reassignment went through the service: the run's event log says so
        notes = api.get(f"/workflow/{other}", params={"includeTasks": "true"}).json()
        assert notes["status"] == "RUNNING"
        detail = editor_stack.manage("shell", "-c", (
            "from orchestrator.humantasks.models import HumanTask\n"
            f"r = HumanTask.objects.get(task_id={theirs!r}); print(r.status, r.claimed_by.username)"))
        assert detail.split()[-2:] == ["CLAIMED", "cy"]
