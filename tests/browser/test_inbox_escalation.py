"""Escalation in the browser: an overdue task of group l1 escalates to group l2 (by the beat-run
sweep, waited on), and l2's user then sees it under Claimable, marked overdue and escalated. A
task whose step is an hour away stays hidden from l2 until a sweep at that time applies it; the
open inbox's badges, nav count and list then update live."""

from __future__ import annotations

import pytest

from tests.browser.conftest import result, run_scenario
from tests.live import Stack

pytestmark = pytest.mark.browser

LEE, LEE_PASSWORD = "lee-l2", "lee-pass-1234"


def flow(name: str, after: object) -> dict[str, object]:
    return {"name": name, "version": 1, "schemaVersion": 2, "tasks": [
        {"name": "approve", "taskReferenceName": "approve", "type": "HUMAN", "inputParameters": {
            "groups": ["l1"], "dueIn": 1, "priority": 8, "escalation": [{"after": after, "groups": ["l2"]}]}}]}


def start(api, name: str, after: object) -> str:  # type: ignore[no-untyped-def]
    api.post("/metadata/workflow", json=flow(name, after), params={"overwrite": "true"}).raise_for_status()
    wf_id = api.post(f"/workflow/{name}", json={}).text.strip('"')
    run = api.get(f"/workflow/{wf_id}", params={"includeTasks": "true"}).json()
    return str(run["tasks"][0]["taskId"])


def test_an_overdue_task_escalates_to_the_next_group_who_sees_it_as_claimable(editor_stack: Stack) -> None:
    # An ordinary user (not staff) in group l2, signing in at /login/: not a candidate until the
    # escalation.
    editor_stack.manage("shell", "-c", (
        "from django.contrib.auth.models import Group, User\n"
        f"u = User.objects.create_user({LEE!r}, password={LEE_PASSWORD!r})\n"
        "u.groups.add(Group.objects.get_or_create(name='l2')[0])\n"))
    with editor_stack.client() as api:
        soon = start(api, "browser_escalate_soon", 1)
        later = start(api, "browser_escalate_later", "PT1H")
    proc = run_scenario(editor_stack, "inbox_escalation.mjs",
                        env={"BATON_USER": LEE, "BATON_PASSWORD": LEE_PASSWORD, "SOON": soon, "LATER": later})
    assert proc.stdout is not None
    for line in proc.stdout:
        assert not line.startswith("{"), f"the scenario ended before READY: {line}"
        if line.strip() == "READY":
            break
    # The hour-away step, applied by a sweep run at that time (the same sweep beat runs).
    out = editor_stack.manage("shell", "-c", (
        "from datetime import timedelta\nfrom django.utils import timezone\n"
        "from orchestrator.humantasks import sweep\n"
        "print('applied', sweep.sweep(timezone.now() + timedelta(hours=1, minutes=1)))\n"))
    assert "applied 1" in out
    data = result(proc)
    assert (data["landed"], data["staffLink"]) == ("/inbox/", 0)  # signed in, and no staff-only Admin link
    assert data["rowClass"] == "ib-overdue"
    assert "escalated" in data["rowText"] and "overdue by" in data["rowText"]
    assert "approve" in data["overdueList"]
    assert "priority: 'high' is not a whole number" in data["badFilter"] and data["badFilterRows"] == 1
    assert (data["badgeBefore"], data["navBefore"]) == ("1", "1")
    assert (data["badgeAfter"], data["navAfter"], data["notReloaded"]) == ("2", "2", True)
