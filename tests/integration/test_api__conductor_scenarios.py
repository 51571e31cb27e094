"""CONDUCTOR.md §8.2 scenarios not covered elsewhere, each through the HTTP API on PostgreSQL.

(Others live beside the feature they exercise: lifecycle, operations, system tasks, sweeper,
limits, execute/signal, search.)
"""

from __future__ import annotations

import uuid

import pytest

from tests.live import wait_for

pytestmark = pytest.mark.integration


def _name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:6]}"


def _work(api, queue, status="COMPLETED", output=None, reason=None):  # type: ignore[no-untyped-def]
    task = api.get(f"/tasks/poll/batch/{queue}", params={"count": 1, "timeout": 3000}).json()
    assert task, f"nothing to poll on {queue}"
    api.post("/tasks", json={"taskId": task[0]["taskId"], "status": status, "outputData": output or {},
                             "reasonForIncompletion": reason})
    return task[0]


def test_s02_null_inputs_stay_null(api):  # type: ignore[no-untyped-def]
    q = _name("s02")
    doc = {"name": q, "version": 1, "tasks": [{"name": q, "taskReferenceName": "t",
           "inputParameters": {"fromInput": "${workflow.input.maybe}", "literal": None, "nested": {"n": None}}}],
           "outputParameters": {"o": "${t.output.m}"}}
    api.post("/metadata/workflow", json=doc)
    wf_id = api.post("/workflow", json={"name": q, "input": {"maybe": None}}).text
    task = _work(api, q, output={"m": {"inner": None}})
    assert task["inputData"] == {"fromInput": None, "literal": None, "nested": {"n": None}}
    assert wait_for(api, wf_id)["output"] == {"o": {"inner": None}}


def test_s09_optional_task_fails_and_the_workflow_completes(api):  # type: ignore[no-untyped-def]
    q = _name("s09")
    api.post("/metadata/taskdefs", json=[{"name": q, "retryCount": 0}])
    api.post("/metadata/workflow", json={"name": q, "version": 1, "tasks": [
        {"name": q, "taskReferenceName": "opt", "optional": True}, {"name": q, "taskReferenceName": "next"}]})
    wf_id = api.post("/workflow", json={"name": q}).text
    _work(api, q, status="FAILED", reason="meh")
    _work(api, q)
    wf = wait_for(api, wf_id)
    assert wf["status"] == "COMPLETED"
    assert [t["status"] for t in wf["tasks"]] == ["COMPLETED_WITH_ERRORS", "COMPLETED"]


def test_s10_permissive_task_fails_the_workflow_only_at_the_end(api):  # type: ignore[no-untyped-def]
    q = _name("s10")
    api.post("/metadata/taskdefs", json=[{"name": q, "retryCount": 0}])
    api.post("/metadata/workflow", json={"name": q, "version": 1, "tasks": [
        {"name": q, "taskReferenceName": "perm", "permissive": True}, {"name": q, "taskReferenceName": "after"}]})
    wf_id = api.post("/workflow", json={"name": q}).text
    _work(api, q, status="FAILED", reason="permissive boom")
    nxt = _work(api, q)
    assert nxt["referenceTaskName"] == "after"
    wf = wait_for(api, wf_id)
    assert wf["status"] == "FAILED" and "permissive boom" in wf["reasonForIncompletion"]


def test_s11_workflow_input_template_fills_missing_keys(api):  # type: ignore[no-untyped-def]
    q = _name("s11")
    api.post("/metadata/workflow", json={"name": q, "version": 1,
              "inputTemplate": {"region": "eu", "limits": {"max": 3}, "tags": ["a"]},
              "tasks": [{"name": "n", "taskReferenceName": "n", "type": "NOOP"}],
              "outputParameters": {"region": "${workflow.input.region}", "max": "${workflow.input.limits.max}",
                                   "tags": "${workflow.input.tags}"}})
    wf = wait_for(api, api.post("/workflow", json={"name": q, "input": {"region": "us"}}).text)
    assert wf["output"] == {"region": "us", "max": 3, "tags": ["a"]}


def test_s12_task_timeout_with_retry_then_workflow_timed_out(api):  # type: ignore[no-untyped-def]
    q = _name("s12")
    api.post("/metadata/taskdefs", json=[{"name": q, "retryCount": 1, "retryDelaySeconds": 0, "timeoutSeconds": 1,
                                          "responseTimeoutSeconds": 1, "timeoutPolicy": "RETRY"}])
    api.post("/metadata/workflow", json={"name": q, "version": 1, "tasks": [{"name": q, "taskReferenceName": "t"}]})
    wf_id = api.post("/workflow", json={"name": q}).text
    first = api.get(f"/tasks/poll/batch/{q}", params={"count": 1, "timeout": 2000}).json()
    assert first
    second = []
    for _ in range(20):
        second = api.get(f"/tasks/poll/batch/{q}", params={"count": 1, "timeout": 1000}).json()
        if second:
            break
    assert second and second[0]["retryCount"] == 1
    wf = wait_for(api, wf_id, timeout=30)
    assert wf["status"] == "TIMED_OUT"
    assert [t["status"] for t in wf["tasks"]] == ["TIMED_OUT", "TIMED_OUT"]


def test_s17_definition_without_tasks_completes_at_once(api):  # type: ignore[no-untyped-def]
    r = api.post("/workflow", json={"name": "s17_empty", "workflowDef": {"name": "s17_empty", "version": 1, "tasks": []}})
    # Registering needs tasks, but an inline definition without any is run (and completes) as in Conductor.
    assert r.status_code == 200, r.text
    wf = wait_for(api, r.text)
    assert wf["status"] == "COMPLETED" and wf["tasks"] == []
    assert api.post("/metadata/workflow", json={"name": "s17_empty", "version": 1, "tasks": []}).status_code == 400


def test_s18_task_def_input_template_and_unregistered_tasks(api):  # type: ignore[no-untyped-def]
    q, free = _name("s18"), _name("s18_unregistered")
    api.post("/metadata/taskdefs", json=[{"name": q, "inputTemplate": {"lang": "en", "size": 10}}])
    api.post("/metadata/workflow", json={"name": q, "version": 1, "tasks": [
        {"name": q, "taskReferenceName": "t", "inputParameters": {"size": "${workflow.input.size}"}},
        {"name": free, "taskReferenceName": "u"}]})
    wf_id = api.post("/workflow", json={"name": q, "input": {}}).text
    task = _work(api, q)
    assert task["inputData"] == {"lang": "en", "size": 10}
    _work(api, free)
    assert wait_for(api, wf_id)["status"] == "COMPLETED"


def test_s21_permissive_fork_branch_lets_siblings_finish_then_join_fails(api):  # type: ignore[no-untyped-def]
    q = _name("s21")
    api.post("/metadata/taskdefs", json=[{"name": q, "retryCount": 0}])
    api.post("/metadata/workflow", json={"name": q, "version": 1, "tasks": [
        {"name": "f", "taskReferenceName": "f", "type": "FORK_JOIN", "forkTasks": [
            [{"name": q, "taskReferenceName": "a", "permissive": True}], [{"name": q, "taskReferenceName": "b"}]]},
        {"name": "j", "taskReferenceName": "j", "type": "JOIN", "joinOn": ["a", "b"]}]})
    wf_id = api.post("/workflow", json={"name": q}).text
    tasks = api.get(f"/tasks/poll/batch/{q}", params={"count": 2, "timeout": 2000}).json()
    by_ref = {t["referenceTaskName"]: t for t in tasks}
    api.post("/tasks", json={"taskId": by_ref["a"]["taskId"], "status": "FAILED", "reasonForIncompletion": "a broke"})
    assert api.get(f"/workflow/{wf_id}").json()["status"] == "RUNNING"
    api.post("/tasks", json={"taskId": by_ref["b"]["taskId"], "status": "COMPLETED"})
    wf = wait_for(api, wf_id)
    assert wf["status"] == "FAILED"
    statuses = {t["referenceTaskName"]: t["status"] for t in wf["tasks"]}
    assert statuses["b"] == "COMPLETED" and statuses["j"] == "FAILED"


def test_s27_set_variable_is_visible_later_and_its_size_is_limited(api):  # type: ignore[no-untyped-def]
    q = _name("s27")
    api.post("/metadata/workflow", json={"name": q, "version": 1, "tasks": [
        {"name": "sv", "taskReferenceName": "sv", "type": "SET_VARIABLE", "inputParameters": {"k": "${workflow.input.k}"}},
        {"name": "i", "taskReferenceName": "i", "type": "INLINE",
         "inputParameters": {"expression": "$.v + '!'", "v": "${workflow.variables.k}"}}]})
    wf = wait_for(api, api.post("/workflow", json={"name": q, "input": {"k": "hi"}}).text)
    assert wf["status"] == "COMPLETED" and wf["variables"] == {"k": "hi"} and wf["output"] == {"result": "hi!"}
    big = wait_for(api, api.post("/workflow", json={"name": q, "input": {"k": "x" * 300_000}}).text)
    assert big["status"] == "FAILED" and "exceeds the limit" in big["reasonForIncompletion"]
