"""Retry across a parent/child hierarchy (CONDUCTOR.md §8.2 #24), driven by a worker over HTTP."""

from __future__ import annotations

import time
import uuid

import pytest

from tests.live import wait_for

pytestmark = pytest.mark.integration


def _setup(api):  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:6]
    queue = f"leaf_{tag}"
    api.post("/metadata/taskdefs", json=[{"name": queue, "retryCount": 0}])
    api.post("/metadata/workflow", json={"name": f"leaf_wf_{tag}", "version": 1,
                                         "tasks": [{"name": queue, "taskReferenceName": "work"}],
                                         "outputParameters": {"v": "${work.output.v}"}})
    api.post("/metadata/workflow", json={"name": f"root_wf_{tag}", "version": 1, "tasks": [
        {"name": "sub", "taskReferenceName": "sub", "type": "SUB_WORKFLOW", "subWorkflowParam": {"name": f"leaf_wf_{tag}"}}],
        "outputParameters": {"v": "${sub.output.v}"}})
    return f"root_wf_{tag}", queue


def _poll(api, queue):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        got = api.get(f"/tasks/poll/batch/{queue}", params={"count": 1, "timeout": 1000}).json()
        if got:
            return got[0]
    raise AssertionError(f"nothing to poll on {queue}")


@pytest.mark.parametrize("resume", [True, False])
def test_retry_a_failed_sub_workflow_hierarchy(api, resume):  # type: ignore[no-untyped-def]
    root, queue = _setup(api)
    wf_id = api.post("/workflow", json={"name": root}).text
    first = _poll(api, queue)
    api.post("/tasks", json={"taskId": first["taskId"], "status": "FAILED", "reasonForIncompletion": "disk full"})
    wf = wait_for(api, wf_id, timeout=60)
    assert wf["status"] == "FAILED", wf
    assert "Sub workflow" in wf["tasks"][0]["reasonForIncompletion"] and "disk full" in wf["tasks"][0]["reasonForIncompletion"]
    child_id = wf["tasks"][0]["subWorkflowId"]
    r = api.post(f"/workflow/{wf_id}/retry", params={"resumeSubworkflowTasks": str(resume)})
    assert r.status_code == 204, r.text
    second = _poll(api, queue)
    assert (second["workflowInstanceId"] == child_id) is resume, (second, api.get(f"/workflow/{wf_id}").json())
    api.post("/tasks", json={"taskId": second["taskId"], "status": "COMPLETED", "outputData": {"v": 7}})
    wf = wait_for(api, wf_id, timeout=60)
    assert wf["status"] == "COMPLETED", (wf, api.get(f"/workflow/{second['workflowInstanceId']}").json())
    assert wf["output"] == {"v": 7}
    assert api.get(f"/workflow/{child_id}").json()["status"] == ("COMPLETED" if resume else "FAILED")
