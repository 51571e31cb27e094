"""A workflow driven over HTTP the way a worker drives it: poll, update, update-v2."""

from __future__ import annotations

import pytest

from tests.live import wait_for

pytestmark = pytest.mark.integration

LINEAR = {
    "name": "it_linear",
    "version": 1,
    "schemaVersion": 2,
    "tasks": [
        {"name": "it_a", "taskReferenceName": "a", "inputParameters": {"x": "${workflow.input.x}", "me": "${CPEWF_TASK_ID}"}},
        {"name": "it_b", "taskReferenceName": "b", "inputParameters": {"fromA": "${a.output.y}", "x": "${workflow.input.x}"}},
    ],
    "outputParameters": {"o1": "${a.output.y}", "o2": "${b.output.z}", "x": "${workflow.input.x}"},
}


def register(api, doc):  # type: ignore[no-untyped-def]
    r = api.post("/metadata/workflow", params={"overwrite": "True"}, json=doc)
    assert r.status_code == 200, r.text


def poll_one(api, task_type, worker="it-worker"):  # type: ignore[no-untyped-def]
    r = api.get(f"/tasks/poll/batch/{task_type}", params={"workerid": worker, "count": 1, "timeout": 2000})
    assert r.status_code == 200, r.text
    tasks = r.json()
    assert len(tasks) == 1, tasks
    return tasks[0]


def test_linear_workflow_wires_inputs_and_outputs(api):  # type: ignore[no-untyped-def]
    register(api, LINEAR)
    r = api.post("/workflow", json={"name": "it_linear", "input": {"x": 7}, "correlationId": "c-1"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    wf_id = r.text
    a = poll_one(api, "it_a")
    assert a["status"] == "IN_PROGRESS" and a["inputData"] == {"x": 7, "me": a["taskId"]}
    assert a["workflowInstanceId"] == wf_id and a["taskType"] == "it_a" and a["pollCount"] == 1
    r = api.post("/tasks/update-v2", json={"taskId": a["taskId"], "workflowInstanceId": wf_id, "status": "COMPLETED",
                                          "outputData": {"y": [1, 2]}, "workerId": "it-worker"})
    assert r.status_code == 204  # the next task is of another type
    b = poll_one(api, "it_b")
    assert b["inputData"] == {"fromA": [1, 2], "x": 7}
    r = api.post("/tasks", json={"taskId": b["taskId"], "workflowInstanceId": wf_id, "status": "COMPLETED",
                                 "outputData": {"z": None}})
    assert r.status_code == 200 and r.text == b["taskId"]
    wf = wait_for(api, wf_id)
    assert wf["status"] == "COMPLETED"
    assert wf["output"] == {"o1": [1, 2], "o2": None, "x": 7}
    assert [t["referenceTaskName"] for t in wf["tasks"]] == ["a", "b"]
    assert wf["correlationId"] == "c-1"
    status = api.get(f"/workflow/{wf_id}/status", params={"includeOutput": "True"}).json()
    assert status == {"workflowId": wf_id, "correlationId": "c-1", "output": wf["output"], "variables": None,
                      "status": "COMPLETED"}


def test_update_v2_hands_the_worker_its_next_task(api):  # type: ignore[no-untyped-def]
    doc = {"name": "it_v2", "version": 1, "tasks": [
        {"name": "it_same", "taskReferenceName": "s1"}, {"name": "it_same", "taskReferenceName": "s2"}]}
    register(api, doc)
    wf_id = api.post("/workflow/it_v2", json={}).text
    s1 = poll_one(api, "it_same")
    r = api.post("/tasks/update-v2", json={"taskId": s1["taskId"], "status": "COMPLETED", "workerId": "w9"})
    assert r.status_code == 200, r.text
    s2 = r.json()
    assert s2["referenceTaskName"] == "s2" and s2["status"] == "IN_PROGRESS" and s2["workerId"] == "w9"
    r = api.post("/tasks/update-v2", json={"taskId": s2["taskId"], "status": "COMPLETED"})
    assert r.status_code == 204
    assert wait_for(api, wf_id)["status"] == "COMPLETED"


def test_in_progress_with_callback_is_redelivered_after_the_delay(api):  # type: ignore[no-untyped-def]
    register(api, {"name": "it_cb", "version": 1, "tasks": [{"name": "it_cb_t", "taskReferenceName": "t"}]})
    wf_id = api.post("/workflow", json={"name": "it_cb"}).text
    t = poll_one(api, "it_cb_t")
    r = api.post("/tasks", json={"taskId": t["taskId"], "status": "IN_PROGRESS", "callbackAfterSeconds": 1,
                                 "outputData": {"p": 50}})
    assert r.status_code == 200
    assert api.get("/tasks/poll/batch/it_cb_t", params={"count": 1, "timeout": 100}).json() == []
    again = poll_one(api, "it_cb_t")
    assert again["taskId"] == t["taskId"] and again["pollCount"] == 2 and again["outputData"] == {"p": 50}
    api.post("/tasks", json={"taskId": t["taskId"], "status": "COMPLETED", "outputData": {"p": 100}})
    assert wait_for(api, wf_id)["status"] == "COMPLETED"


def test_pause_blocks_scheduling_and_resume_continues(api):  # type: ignore[no-untyped-def]
    register(api, LINEAR)
    wf_id = api.post("/workflow", json={"name": "it_linear", "input": {"x": 1}}).text
    assert api.put(f"/workflow/{wf_id}/pause").status_code == 204
    a = poll_one(api, "it_a")
    api.post("/tasks", json={"taskId": a["taskId"], "status": "COMPLETED", "outputData": {"y": 1}})
    wf = api.get(f"/workflow/{wf_id}").json()
    assert wf["status"] == "PAUSED" and [t["referenceTaskName"] for t in wf["tasks"]] == ["a"]
    assert api.put(f"/workflow/{wf_id}/resume").status_code == 204
    b = poll_one(api, "it_b")
    assert b["inputData"]["fromA"] == 1
    assert api.put(f"/workflow/{wf_id}/resume").status_code == 409


def test_terminate_cancels_pending_tasks_and_completed_cannot_be_terminated(api):  # type: ignore[no-untyped-def]
    register(api, LINEAR)
    wf_id = api.post("/workflow", json={"name": "it_linear", "input": {"x": 1}}).text
    r = api.delete(f"/workflow/{wf_id}", params={"reason": "changed my mind"})
    assert r.status_code == 204
    wf = api.get(f"/workflow/{wf_id}").json()
    assert wf["status"] == "TERMINATED" and wf["reasonForIncompletion"] == "changed my mind"
    assert [t["status"] for t in wf["tasks"]] == ["CANCELED"]
    assert api.get("/tasks/poll/batch/it_a", params={"count": 5, "timeout": 0}).json() == []
    # a late result for the canceled task is refused and changes nothing
    r = api.post("/tasks", json={"taskId": wf["tasks"][0]["taskId"], "status": "COMPLETED"})
    assert r.status_code == 409
    done = api.post("/workflow", json={"name": "it_v2"}).text
    for _ in range(2):
        t = poll_one(api, "it_same")
        api.post("/tasks", json={"taskId": t["taskId"], "status": "COMPLETED"})
    assert wait_for(api, done)["status"] == "COMPLETED"
    assert api.delete(f"/workflow/{done}").status_code == 409


def test_worker_failure_then_retry_then_terminal_failure(api):  # type: ignore[no-untyped-def]
    api.post("/metadata/taskdefs", json=[{"name": "it_retry", "retryCount": 1, "retryDelaySeconds": 0}])
    register(api, {"name": "it_retry_wf", "version": 1, "tasks": [{"name": "it_retry", "taskReferenceName": "r"}],
                   "outputParameters": {"err": "${r.output.err}"}})
    wf_id = api.post("/workflow", json={"name": "it_retry_wf"}).text
    first = poll_one(api, "it_retry")
    api.post("/tasks", json={"taskId": first["taskId"], "status": "FAILED", "reasonForIncompletion": "flaky"})
    second = poll_one(api, "it_retry")
    assert second["retryCount"] == 1 and second["retriedTaskId"] == first["taskId"]
    api.post("/tasks", json={"taskId": second["taskId"], "status": "FAILED_WITH_TERMINAL_ERROR",
                             "reasonForIncompletion": "bad input", "outputData": {"err": "E42"}})
    wf = wait_for(api, wf_id)
    assert wf["status"] == "FAILED"
    assert wf["reasonForIncompletion"] == f"Task {second['taskId']} failed with status: FAILED and reason: 'bad input'"
    assert wf["failedReferenceTaskNames"] == ["r"] and wf["failedTaskNames"] == ["it_retry"]
    assert wf["output"] == {"err": "E42"}


def test_duplicate_results_are_idempotent_and_conflicting_ones_refused(api):  # type: ignore[no-untyped-def]
    register(api, LINEAR)
    wf_id = api.post("/workflow", json={"name": "it_linear", "input": {"x": 1}}).text
    a = poll_one(api, "it_a")
    body = {"taskId": a["taskId"], "status": "COMPLETED", "outputData": {"y": 5}}
    assert api.post("/tasks", json=body).status_code == 200
    assert api.post("/tasks", json=body).status_code == 200
    assert api.post("/tasks", json={**body, "status": "FAILED"}).status_code == 409
    wf = api.get(f"/workflow/{wf_id}").json()
    assert [t["referenceTaskName"] for t in wf["tasks"]] == ["a", "b"]


def test_update_by_ref_name_and_task_logs(api):  # type: ignore[no-untyped-def]
    register(api, LINEAR)
    wf_id = api.post("/workflow", json={"name": "it_linear", "input": {"x": 3}}).text
    r = api.post(f"/tasks/{wf_id}/a/COMPLETED", json={"y": "by-ref"}, params={"workerid": "None"})
    assert r.status_code == 200
    task_id = r.text
    r = api.post(f"/tasks/{task_id}/log", content=b"hello log", headers={"Content-Type": "application/json"})
    assert r.status_code == 200
    logs = api.get(f"/tasks/{task_id}/log").json()
    assert [entry["log"] for entry in logs] == ["hello log"]
    wf = api.post(f"/tasks/{wf_id}/b/COMPLETED/sync", json={"z": 1}).json()
    assert wf["status"] == "COMPLETED" and wf["output"]["o1"] == "by-ref"
    assert api.get(f"/tasks/{task_id}").json()["outputData"] == {"y": "by-ref"}


def test_inline_definition_switch_and_fork_join(api):  # type: ignore[no-untyped-def]
    doc = {"name": "it_inline_def", "version": 3, "tasks": [
        {"name": "sw", "taskReferenceName": "sw", "type": "SWITCH", "evaluatorType": "value-param",
         "expression": "k", "inputParameters": {"k": "${workflow.input.kind}"},
         "decisionCases": {"fork": [
             {"name": "f", "taskReferenceName": "f", "type": "FORK_JOIN", "forkTasks": [
                 [{"name": "it_left", "taskReferenceName": "left"}],
                 [{"name": "sv", "taskReferenceName": "sv", "type": "SET_VARIABLE", "inputParameters": {"v": 9}}]]},
             {"name": "j", "taskReferenceName": "j", "type": "JOIN", "joinOn": ["left", "sv"]}]},
         "defaultCase": [{"name": "t", "taskReferenceName": "term", "type": "TERMINATE",
                          "inputParameters": {"terminationStatus": "FAILED", "terminationReason": "nope"}}]},
        {"name": "i", "taskReferenceName": "i", "type": "INLINE",
         "inputParameters": {"expression": "$.v + 1", "evaluatorType": "javascript", "v": "${workflow.variables.v}"}}]}
    wf_id = api.post("/workflow", json={"name": "it_inline_def", "workflowDef": doc, "input": {"kind": "fork"}}).text
    left = poll_one(api, "it_left")
    api.post("/tasks", json={"taskId": left["taskId"], "status": "COMPLETED", "outputData": {"l": 1}})
    wf = wait_for(api, wf_id)
    assert wf["status"] == "COMPLETED", wf
    assert wf["output"] == {"result": 10} and wf["variables"] == {"v": 9}
    join = next(t for t in wf["tasks"] if t["referenceTaskName"] == "j")
    assert join["outputData"] == {"left": {"l": 1}}
    assert next(t for t in wf["tasks"] if t["referenceTaskName"] == "f")["taskType"] == "FORK"
    other = api.post("/workflow", json={"name": "it_inline_def", "workflowDef": doc, "input": {"kind": "x"}}).text
    wf = wait_for(api, other)
    assert wf["status"] == "FAILED" and wf["reasonForIncompletion"] == "nope"
