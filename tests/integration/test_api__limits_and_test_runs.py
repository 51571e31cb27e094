"""Queue limits at poll time, idempotent starts, and /workflow/test dry runs."""

from __future__ import annotations

import time
import uuid

import pytest

pytestmark = pytest.mark.integration


def _fan(api, queue, n):  # type: ignore[no-untyped-def]
    name = f"fan_{queue}"
    api.post("/metadata/workflow", json={"name": name, "version": 1, "tasks": [
        {"name": "f", "taskReferenceName": "f", "type": "FORK_JOIN",
         "forkTasks": [[{"name": queue, "taskReferenceName": f"b{i}"}] for i in range(n)]},
        {"name": "j", "taskReferenceName": "j", "type": "JOIN", "joinOn": [f"b{i}" for i in range(n)]}]})
    return api.post("/workflow", json={"name": name}).text


def test_concurrent_exec_limit_hands_out_one_task_at_a_time(api):  # type: ignore[no-untyped-def]
    queue = f"lim_{uuid.uuid4().hex[:6]}"
    api.post("/metadata/taskdefs", json=[{"name": queue, "concurrentExecLimit": 1}])
    _fan(api, queue, 3)
    first = api.get(f"/tasks/poll/batch/{queue}", params={"count": 3, "timeout": 500}).json()
    assert len(first) == 1
    assert api.get(f"/tasks/poll/batch/{queue}", params={"count": 3, "timeout": 200}).json() == []
    api.post("/tasks", json={"taskId": first[0]["taskId"], "status": "COMPLETED"})
    assert len(api.get(f"/tasks/poll/batch/{queue}", params={"count": 3, "timeout": 500}).json()) == 1


def test_rate_limit_caps_deliveries_per_window(api):  # type: ignore[no-untyped-def]
    queue = f"rate_{uuid.uuid4().hex[:6]}"
    api.post("/metadata/taskdefs", json=[{"name": queue, "rateLimitPerFrequency": 2, "rateLimitFrequencyInSeconds": 2}])
    _fan(api, queue, 4)
    got = api.get(f"/tasks/poll/batch/{queue}", params={"count": 4, "timeout": 300}).json()
    assert len(got) == 2
    assert api.get(f"/tasks/poll/batch/{queue}", params={"count": 4, "timeout": 300}).json() == []
    time.sleep(2.2)
    assert len(api.get(f"/tasks/poll/batch/{queue}", params={"count": 4, "timeout": 300}).json()) == 2


def test_idempotent_start(api):  # type: ignore[no-untyped-def]
    name = f"idem_{uuid.uuid4().hex[:6]}"
    api.post("/metadata/workflow", json={"name": name, "version": 1, "tasks": [{"name": "x", "taskReferenceName": "x"}]})
    body = {"name": name, "idempotencyKey": "order-1", "idempotencyStrategy": "RETURN_EXISTING"}
    first = api.post("/workflow", json=body).text
    assert api.post("/workflow", json=body).text == first
    assert api.post("/workflow", json={**body, "idempotencyStrategy": "FAIL"}).status_code == 409
    # the SDK always sends FAIL; without a key it must not matter
    a = api.post("/workflow", json={"name": name, "idempotencyStrategy": "FAIL"}).text
    b = api.post("/workflow", json={"name": name, "idempotencyStrategy": "FAIL"}).text
    assert a != b


def test_workflow_test_runs_with_mocked_outputs_and_stores_nothing(api):  # type: ignore[no-untyped-def]
    doc = {"name": "dry", "version": 1, "tasks": [
        {"name": "fetch", "taskReferenceName": "fetch"},
        {"name": "route", "taskReferenceName": "route", "type": "SWITCH", "evaluatorType": "value-param",
         "expression": "k", "inputParameters": {"k": "${fetch.output.kind}"},
         "decisionCases": {"big": [{"name": "ship", "taskReferenceName": "ship"}]}},
        {"name": "calc", "taskReferenceName": "calc", "type": "INLINE",
         "inputParameters": {"expression": "$.n * 2", "n": "${fetch.output.n}"}}],
        "outputParameters": {"r": "${calc.output.result}", "shipped": "${ship.output.ok}"}}
    mocks = {"fetch": [{"status": "FAILED", "output": {}}, {"status": "COMPLETED", "output": {"kind": "big", "n": 5}}],
             "ship": [{"status": "COMPLETED", "output": {"ok": True}}]}
    api.post("/metadata/taskdefs", json=[{"name": "fetch", "retryCount": 1, "retryDelaySeconds": 0}])
    r = api.post("/workflow/test", json={"name": "dry", "workflowDef": doc, "input": {}, "taskRefToMockOutput": mocks})
    assert r.status_code == 200, r.text
    wf = r.json()
    assert wf["status"] == "COMPLETED" and wf["output"] == {"r": 10, "shipped": True}
    assert [(t["referenceTaskName"], t["status"]) for t in wf["tasks"]] == [
        ("fetch", "FAILED"), ("fetch", "COMPLETED"), ("route", "COMPLETED"), ("ship", "COMPLETED"), ("calc", "COMPLETED")]
    assert api.get(f"/workflow/{wf['workflowId']}").status_code == 404
    bad = api.post("/workflow/test", json={"workflowDef": doc, "taskRefToMockOutput": {"fetch": [{"status": "NOPE"}]}})
    assert bad.status_code == 400
