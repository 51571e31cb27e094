"""YIELD (Orkes' signal-waiting task, an alias of WAIT) over the API: registered, run, signalled."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.integration


def test_a_yield_task_is_found_and_completed_by_the_signal_endpoint(api):  # type: ignore[no-untyped-def]
    name = f"it_yield_{uuid.uuid4().hex[:6]}"
    r = api.post("/metadata/workflow", json={"name": name, "version": 1, "tasks": [
        {"name": "parked", "taskReferenceName": "parked", "type": "YIELD"},
        {"name": "after", "taskReferenceName": "after", "type": "INLINE",
         "inputParameters": {"expression": "$.ok ? 'yes' : 'no'", "ok": "${parked.output.ok}"}}],
        "outputParameters": {"after": "${after.output.result}"}})
    assert r.status_code == 200, r.text
    run = api.post(f"/workflow/execute/{name}/1", params={"returnStrategy": "BLOCKING_TASK"},
                   json={"input": {}}).json()
    assert run["referenceTaskName"] == "parked" and run["taskType"] == "YIELD" and run["status"] == "IN_PROGRESS"
    r = api.post(f"/tasks/{run['workflowId']}/COMPLETED/signal/sync", json={"ok": True})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "COMPLETED" and r.json()["output"] == {"after": "yes"}


def test_a_workflow_ending_in_a_fork_without_join_registers_and_completes(api):  # type: ignore[no-untyped-def]
    name = f"it_forkend_{uuid.uuid4().hex[:6]}"
    inline = {"type": "INLINE", "inputParameters": {"expression": "1"}}
    doc = {"name": name, "version": 1, "tasks": [
        {"name": "f", "taskReferenceName": "f", "type": "FORK_JOIN", "forkTasks": [
            [{"name": "a", "taskReferenceName": "a", **inline}], [{"name": "b", "taskReferenceName": "b", **inline}]]}]}
    v = api.post("/metadata/workflow/validate", json=doc)
    assert v.status_code == 200 and [w["id"] for w in v.json()["warnings"]] == ["WF.E031"], v.text
    assert v.json()["warnings"][0]["severity"] == "warning"
    assert api.post("/metadata/workflow", json=doc).status_code == 200
    run = api.post(f"/workflow/execute/{name}/1", params={"waitForSeconds": 5}, json={"input": {}}).json()
    assert run["status"] == "COMPLETED", run
    assert {t["referenceTaskName"]: t["status"] for t in run["tasks"]} == {"f": "COMPLETED", "a": "COMPLETED",
                                                                          "b": "COMPLETED"}
