"""Timers and leases are enforced by Celery (beat + sweeper + worker), not by the client."""

from __future__ import annotations

import time

import pytest

from tests.live import wait_for

pytestmark = pytest.mark.integration


def test_silent_worker_times_out_and_the_task_is_retried(api):  # type: ignore[no-untyped-def]
    api.post("/metadata/taskdefs", json=[{"name": "it_silent", "retryCount": 1, "retryDelaySeconds": 0,
                                          "responseTimeoutSeconds": 1, "timeoutSeconds": 30}])
    api.post("/metadata/workflow", params={"overwrite": "true"},
             json={"name": "it_silent_wf", "version": 1, "tasks": [{"name": "it_silent", "taskReferenceName": "s"}]})
    wf_id = api.post("/workflow", json={"name": "it_silent_wf"}).text
    first = api.get("/tasks/poll/batch/it_silent", params={"count": 1, "timeout": 1000}).json()[0]
    # no second delivery while the first lease holds
    assert api.get("/tasks/poll/batch/it_silent", params={"count": 1, "timeout": 200}).json() == []
    deadline = time.monotonic() + 15
    retry = []
    while not retry and time.monotonic() < deadline:
        retry = api.get("/tasks/poll/batch/it_silent", params={"count": 1, "timeout": 1000}).json()
    assert retry, "the timed-out task was never retried"
    assert retry[0]["retryCount"] == 1 and retry[0]["retriedTaskId"] == first["taskId"]
    old = api.get(f"/tasks/{first['taskId']}").json()
    assert old["status"] == "TIMED_OUT" and "responseTimeoutSeconds" in old["reasonForIncompletion"]
    # the late result of the timed-out attempt is refused and does not resurrect it
    late = api.post("/tasks", json={"taskId": first["taskId"], "status": "COMPLETED"})
    assert late.status_code == 409
    api.post("/tasks", json={"taskId": retry[0]["taskId"], "status": "COMPLETED"})
    assert wait_for(api, wf_id)["status"] == "COMPLETED"


def test_workflow_timeout_fires_without_any_client_activity(api):  # type: ignore[no-untyped-def]
    doc = {"name": "it_wf_timeout", "version": 1, "timeoutSeconds": 2, "timeoutPolicy": "TIME_OUT_WF",
           "tasks": [{"name": "it_nobody", "taskReferenceName": "n"}]}
    api.post("/metadata/workflow", params={"overwrite": "true"}, json=doc)
    wf_id = api.post("/workflow", json={"name": "it_wf_timeout"}).text
    wf = wait_for(api, wf_id, timeout=15)
    assert wf["status"] == "TIMED_OUT"
    assert [t["status"] for t in wf["tasks"]] == ["CANCELED"]
