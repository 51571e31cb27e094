"""Bad input gets a 4xx with a message naming the problem — never a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_malformed_json_is_a_400(api):  # type: ignore[no-untyped-def]
    r = api.post("/metadata/workflow", content=b'{"name": "x", "tasks": [', headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "Malformed JSON" in r.json()["message"]


def test_deeply_nested_json_is_a_400(api):  # type: ignore[no-untyped-def]
    body = b"[" * 10000 + b"]" * 10000
    r = api.post("/workflow", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "nesting" in r.json()["message"]


def test_nan_literal_is_a_400(api):  # type: ignore[no-untyped-def]
    r = api.post("/workflow", content=b'{"name": "x", "input": {"a": NaN}}', headers={"Content-Type": "application/json"})
    assert r.status_code == 400


def test_invalid_definition_lists_every_problem_with_paths(api):  # type: ignore[no-untyped-def]
    doc = {"name": "bad def", "tasks": [
        {"name": "a", "taskReferenceName": "dup"},
        {"name": "f", "taskReferenceName": "f", "type": "FORK_JOIN", "forkTasks": [[{"name": "b", "taskReferenceName": "dup"}]]},
        {"name": "j", "taskReferenceName": "j", "type": "JOIN", "joinOn": ["nowhere"]},
        {"name": "x", "taskReferenceName": "x", "type": "NOT_A_TYPE", "inputParameters": {"v": "${ghost.output.v}"}},
    ]}
    r = api.post("/metadata/workflow", json=doc)
    assert r.status_code == 400
    body = r.json()
    ids = {e["id"] for e in body["validationErrors"]}
    assert {"WF.E005", "WF.E002", "WF.E033", "WF.E018", "WF.E052"} <= ids, body
    dup = next(e for e in body["validationErrors"] if e["id"] == "WF.E002")
    assert dup["path"].startswith("$.tasks[1].forkTasks[0][0]") and "$.tasks[0]" in dup["message"]
    r = api.post("/metadata/workflow/validate", json=doc)
    assert r.status_code == 400 and len(r.json()["validationErrors"]) == len(body["validationErrors"])
    ok = api.post("/metadata/workflow/validate", json={"name": "fine", "tasks": [{"name": "a", "taskReferenceName": "a"}]})
    assert ok.status_code == 200 and ok.json()["valid"] is True


def test_wrong_types_in_start_and_task_update(api):  # type: ignore[no-untyped-def]
    assert api.post("/workflow", json=[1, 2]).status_code == 400
    r = api.post("/workflow", json={"name": "x", "input": "not-an-object"})
    assert r.status_code == 400 and "input" in r.json()["message"]
    r = api.post("/workflow", json={"name": "x", "version": "one"})
    assert r.status_code == 400 and "version" in r.json()["message"]
    r = api.post("/tasks", json={"taskId": "abc", "status": "DONE"})
    assert r.status_code == 400 and "status" in r.json()["message"]
    r = api.post("/tasks", json={"status": "COMPLETED"})
    assert r.status_code == 400 and "taskId" in r.json()["message"]
    r = api.get("/tasks/poll/batch/x", params={"count": "many"})
    assert r.status_code == 400 and "count" in r.json()["message"]
    r = api.get("/tasks/poll/batch/x", params={"timeout": 60000})
    assert r.status_code == 400


def test_unknown_ids_are_404(api):  # type: ignore[no-untyped-def]
    assert api.get("/workflow/no-such-id").status_code == 404
    assert api.get("/tasks/no-such-task").status_code == 404
    assert api.post("/tasks", json={"taskId": "no-such-task", "status": "COMPLETED"}).status_code == 404
    assert api.get("/metadata/workflow/no_such_def").status_code == 404
    assert api.get("/metadata/taskdefs/no_such_def").status_code == 404
    r = api.post("/workflow", json={"name": "no_such_def"})
    assert r.status_code == 404 and "no_such_def" in r.json()["message"]
    assert api.delete("/workflow/no-such-id").status_code == 404


def test_registering_an_existing_version_without_overwrite_conflicts(api):  # type: ignore[no-untyped-def]
    doc = {"name": "it_conflict", "version": 1, "tasks": [{"name": "a", "taskReferenceName": "a"}]}
    assert api.post("/metadata/workflow", json=doc).status_code == 200
    assert api.post("/metadata/workflow", json=doc).status_code == 409
    assert api.post("/metadata/workflow", params={"overwrite": "true"}, json=doc).status_code == 200
    r = api.put("/metadata/workflow", json=[doc, {**doc, "version": 2}])
    assert r.status_code == 200 and r.json()["bulkSuccessfulResults"] == ["it_conflict", "it_conflict"]
    assert api.get("/metadata/workflow/it_conflict").json()["version"] == 2
    assert api.get("/metadata/workflow/it_conflict", params={"version": 1}).json()["version"] == 1
    assert api.delete("/metadata/workflow/it_conflict/2").status_code == 200
    assert api.get("/metadata/workflow/it_conflict").json()["version"] == 1


def test_task_def_validation_and_defaults(api):  # type: ignore[no-untyped-def]
    r = api.post("/metadata/taskdefs", json=[{"name": "it_td", "retryLogic": "SOMETIMES"}])
    assert r.status_code == 400 and r.json()["validationErrors"][0]["path"] == "$.retryLogic"
    assert api.post("/metadata/taskdefs", json=[{"name": "it_td", "enforceSchema": False}]).status_code == 200
    td = api.get("/metadata/taskdefs/it_td").json()
    assert td["retryCount"] == 3 and td["timeoutPolicy"] == "TIME_OUT_WF" and td["responseTimeoutSeconds"] == 3600
    assert api.put("/metadata/taskdefs", json={"name": "it_td_missing"}).status_code == 404
