"""Synchronous execution and signals (CONDUCTOR.md §7.5, §8.2 #33)."""

from __future__ import annotations

import uuid

import pytest

from tests.live import wait_for

pytestmark = pytest.mark.integration


def _approval_flow(api):  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:6]
    name = f"it_exec_{tag}"
    api.post("/metadata/workflow", json={"name": name, "version": 1, "tasks": [
        {"name": "calc", "taskReferenceName": "calc", "type": "INLINE",
         "inputParameters": {"expression": "$.a + 1", "a": "${workflow.input.a}"}},
        {"name": "approval", "taskReferenceName": "approval", "type": "WAIT"},
        {"name": "after", "taskReferenceName": "after", "type": "INLINE",
         "inputParameters": {"expression": "$.ok ? 'yes' : 'no'", "ok": "${approval.output.ok}"}}],
        "outputParameters": {"calc": "${calc.output.result}", "after": "${after.output.result}"}})
    return name


def test_execute_waits_until_the_workflow_blocks_then_signal_completes_it(api):  # type: ignore[no-untyped-def]
    name = _approval_flow(api)
    r = api.post(f"/workflow/execute/{name}/1", params={"requestId": "req-1", "waitForSeconds": 5},
                 json={"input": {"a": 41}})
    assert r.status_code == 200, r.text
    run = r.json()
    assert run["status"] == "RUNNING" and run["requestId"] == "req-1" and run["responseType"] == "TARGET_WORKFLOW"
    assert [t["referenceTaskName"] for t in run["tasks"]] == ["calc", "approval"]
    wf_id = run["workflowId"]
    r = api.post(f"/tasks/{wf_id}/COMPLETED/signal/sync", json={"ok": True})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "COMPLETED" and r.json()["output"] == {"calc": 42, "after": "yes"}
    # Nothing is blocked any more: Conductor's async signal answers 200 and does nothing, its sync
    # variant 404 (TaskResource.signalWorkflowTaskAsync / signalWorkflowTaskSync).
    r = api.post(f"/tasks/{wf_id}/FAILED/signal", json={"ok": False})
    assert r.status_code == 200, r.text
    after = api.get(f"/workflow/{wf_id}").json()
    assert after["status"] == "COMPLETED" and after["output"] == {"calc": 42, "after": "yes"}
    assert [t["status"] for t in after["tasks"]] == ["COMPLETED"] * 3
    r = api.post(f"/tasks/{wf_id}/COMPLETED/signal/sync", json={})
    assert r.status_code == 404
    assert r.json()["message"] == f"Found no blocked task in workflow {wf_id} to signal"


def test_execute_returns_the_blocking_task_when_asked(api):  # type: ignore[no-untyped-def]
    name = _approval_flow(api)
    run = api.post(f"/workflow/execute/{name}/1", params={"returnStrategy": "BLOCKING_TASK"},
                   json={"input": {"a": 1}}).json()
    assert run["responseType"] == "BLOCKING_TASK" and run["referenceTaskName"] == "approval"
    assert run["taskType"] == "WAIT" and run["status"] == "IN_PROGRESS"
    api.post(f"/tasks/{run['workflowId']}/COMPLETED/signal", json={"ok": False})
    assert wait_for(api, run["workflowId"])["output"]["after"] == "no"


def test_execute_and_signal_reject_bad_input(api):  # type: ignore[no-untyped-def]
    name = _approval_flow(api)
    assert api.post(f"/workflow/execute/{name}/1", params={"returnStrategy": "NOPE"}, json={}).status_code == 400
    r = api.post(f"/workflow/execute/{name}/7", json={})
    assert r.status_code == 404 and r.json()["message"] == f"No such workflow defined. name={name}, version=7"
    for path in ("/tasks/no-such-workflow/COMPLETED/signal", "/tasks/no-such-workflow/COMPLETED/signal/sync"):
        r = api.post(path, json={})
        assert r.status_code == 404 and r.json()["message"] == "No such workflow found by id: no-such-workflow"
    r = api.post(f"/workflow/execute/{name}/1", content=b"[", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
