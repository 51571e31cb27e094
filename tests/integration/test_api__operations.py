"""Restart, retry, rerun and skip (CONDUCTOR.md §8.2 scenarios 4, 7, 8, 13, 14, 15)."""

from __future__ import annotations

import uuid

import pytest

from tests.live import wait_for

pytestmark = pytest.mark.integration


def _three(api, **extra):  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:6]
    doc = {"name": f"it_ops_{tag}", "version": 1, "tasks": [
        {"name": f"op_{tag}", "taskReferenceName": ref, "inputParameters": {"x": "${workflow.input.x}"}}
        for ref in ("t1", "t2", "t3")], **extra}
    api.post("/metadata/taskdefs", json=[{"name": f"op_{tag}", "retryCount": 0}])
    api.post("/metadata/workflow", json=doc)
    return doc, f"op_{tag}"


def _work(api, queue, status="COMPLETED", output=None):  # type: ignore[no-untyped-def]
    task = api.get(f"/tasks/poll/batch/{queue}", params={"count": 1, "timeout": 2000}).json()[0]
    api.post("/tasks", json={"taskId": task["taskId"], "status": status, "outputData": output or {"by": task["referenceTaskName"]}})
    return task


def test_restart_needs_an_ended_workflow_and_honours_restartable(api):  # type: ignore[no-untyped-def]
    doc, queue = _three(api)
    wf_id = api.post("/workflow", json={"name": doc["name"], "input": {"x": 1}}).text
    assert api.post(f"/workflow/{wf_id}/restart").status_code == 409
    for _ in range(3):
        _work(api, queue)
    assert wait_for(api, wf_id)["status"] == "COMPLETED"
    assert api.post(f"/workflow/{wf_id}/restart").status_code == 204
    wf = api.get(f"/workflow/{wf_id}").json()
    assert wf["status"] == "RUNNING" and [t["referenceTaskName"] for t in wf["tasks"]] == ["t1"]
    assert wf["output"] == {}
    # a newer definition is used only when asked for
    newer = {**doc, "version": 2, "tasks": doc["tasks"][:1]}
    api.post("/metadata/workflow", json=newer)
    _work(api, queue)
    for _ in range(2):
        _work(api, queue)
    assert wait_for(api, wf_id)["status"] == "COMPLETED"
    assert api.post(f"/workflow/{wf_id}/restart", params={"useLatestDefinitions": "True"}).status_code == 204
    _work(api, queue)
    wf = wait_for(api, wf_id)
    assert wf["status"] == "COMPLETED" and wf["workflowVersion"] == 2 and len(wf["tasks"]) == 1
    fixed, queue2 = _three(api, restartable=False)
    other = api.post("/workflow", json={"name": fixed["name"]}).text
    for _ in range(3):
        _work(api, queue2)
    assert wait_for(api, other)["status"] == "COMPLETED"
    r = api.post(f"/workflow/{other}/restart")
    assert r.status_code == 409 and "restartable" in r.json()["message"]


def test_retry_reschedules_the_failed_task_and_completes(api):  # type: ignore[no-untyped-def]
    doc, queue = _three(api)
    wf_id = api.post("/workflow", json={"name": doc["name"], "input": {"x": 2}}).text
    _work(api, queue)
    failed = _work(api, queue, status="FAILED")
    wf = wait_for(api, wf_id)
    assert wf["status"] == "FAILED"
    assert api.post(f"/workflow/{wf_id}/retry").status_code == 204
    wf = api.get(f"/workflow/{wf_id}").json()
    assert wf["status"] == "RUNNING" and wf["reasonForIncompletion"] is None and wf["lastRetriedTime"] > 0
    retried = _work(api, queue)
    assert retried["referenceTaskName"] == "t2" and retried["retryCount"] == 1
    assert retried["retriedTaskId"] == failed["taskId"] and retried["inputData"] == {"x": 2}
    _work(api, queue)
    assert wait_for(api, wf_id)["status"] == "COMPLETED"
    assert api.post(f"/workflow/{wf_id}/retry").status_code == 409


def test_workflow_timeout_then_retry_keeps_completed_tasks(api):  # type: ignore[no-untyped-def]
    doc, queue = _three(api, timeoutSeconds=2, timeoutPolicy="TIME_OUT_WF")
    wf_id = api.post("/workflow", json={"name": doc["name"]}).text
    _work(api, queue)
    wf = wait_for(api, wf_id, timeout=15)
    assert wf["status"] == "TIMED_OUT"
    assert [t["status"] for t in wf["tasks"]] == ["COMPLETED", "CANCELED"]
    assert api.post(f"/workflow/{wf_id}/retry").status_code == 204
    wf = api.get(f"/workflow/{wf_id}").json()
    assert [t["status"] for t in wf["tasks"]] == ["COMPLETED", "CANCELED", "SCHEDULED"]


def test_rerun_from_a_task_and_from_the_start(api):  # type: ignore[no-untyped-def]
    doc, queue = _three(api)
    wf_id = api.post("/workflow", json={"name": doc["name"], "input": {"x": 3}}).text
    for _ in range(3):
        _work(api, queue)
    wf = wait_for(api, wf_id)
    t2 = wf["tasks"][1]["taskId"]
    r = api.post(f"/workflow/{wf_id}/rerun", json={"reRunFromWorkflowId": wf_id, "reRunFromTaskId": t2,
                                                    "taskInput": {"x": 99}})
    assert r.status_code == 200 and r.text == wf_id
    wf = api.get(f"/workflow/{wf_id}").json()
    assert [(t["referenceTaskName"], t["status"]) for t in wf["tasks"]] == [("t1", "COMPLETED"), ("t2", "SCHEDULED")]
    assert _work(api, queue)["inputData"] == {"x": 99}
    _work(api, queue)
    assert wait_for(api, wf_id)["status"] == "COMPLETED"
    r = api.post(f"/workflow/{wf_id}/rerun", json={"reRunFromWorkflowId": wf_id, "workflowInput": {"x": 4}})
    wf = api.get(f"/workflow/{wf_id}").json()
    assert [t["referenceTaskName"] for t in wf["tasks"]] == ["t1"] and wf["input"] == {"x": 4}
    assert wf["tasks"][0]["inputData"] == {"x": 4}


def test_skip_a_future_task(api):  # type: ignore[no-untyped-def]
    doc, queue = _three(api)
    wf_id = api.post("/workflow", json={"name": doc["name"]}).text
    r = api.put(f"/workflow/{wf_id}/skiptask/t2", params={"skipTaskRequest": "{'taskOutput': {'skipped': True}}"},
                json={})
    assert r.status_code == 204, r.text
    assert api.put(f"/workflow/{wf_id}/skiptask/t2", json={}).status_code == 409
    assert api.put(f"/workflow/{wf_id}/skiptask/nope", json={}).status_code == 409
    _work(api, queue)
    third = _work(api, queue)
    assert third["referenceTaskName"] == "t3"
    wf = wait_for(api, wf_id)
    assert wf["status"] == "COMPLETED"
    assert [(t["referenceTaskName"], t["status"]) for t in wf["tasks"]] == [
        ("t1", "COMPLETED"), ("t2", "SKIPPED"), ("t3", "COMPLETED")]
    assert wf["tasks"][1]["outputData"] == {"skipped": True}
