"""/api/schema and the enforcement of TaskDef/WorkflowDef schemas, through the real API on PostgreSQL.

Each test commits (transaction=True): the registry's validator cache is dropped on commit, as in
production, so what one request saves the next one enforces.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from executions.models import Task, Workflow
from orchestrator.models import ApiApplication
from orchestrator.services import access

pytestmark = [
    pytest.mark.db_tier,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

ORDER = {"type": "object", "required": ["order"],
         "properties": {"order": {"type": "object", "required": ["total"],
                                  "properties": {"total": {"type": "number"}}}}}
TAX = {"type": "object", "required": ["tax"], "properties": {"tax": {"type": "number", "minimum": 0}}}


class Api:
    def __init__(self, role: str = ApiApplication.ROLE_ADMIN) -> None:
        app, secret = access.create_application(f"t-{role}", role)
        self.client = Client(HTTP_X_AUTHORIZATION=access.issue_token(app.key_id, secret))

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        kwargs: dict[str, Any] = {}
        if body is not None:
            kwargs = {"data": json.dumps(body), "content_type": "application/json"}
        response = getattr(self.client, method.lower())(f"/api/{path}", **kwargs)
        text = response.content.decode()
        try:
            return response.status_code, json.loads(text) if text else None
        except ValueError:
            return response.status_code, text


@pytest.fixture()
def api() -> Api:
    return Api()


def schema(name: str, data: Any, version: int = 1) -> dict[str, Any]:
    return {"name": name, "version": version, "type": "JSON", "data": data}


# -- the registry -----------------------------------------------------------------------------
def test_save_read_list_version_and_delete(api: Api) -> None:
    assert api.call("POST", "schema", schema("order", ORDER)) == (200, None)
    status, got = api.call("GET", "schema/order/1")
    assert status == 200 and (got["name"], got["version"], got["type"], got["data"]) == ("order", 1, "JSON", ORDER)
    assert api.call("POST", "schema?newVersion=true", schema("order", TAX))[0] == 200
    assert api.call("GET", "schema/order")[1]["version"] == 2  # the latest
    assert api.call("POST", "schema", [schema("tax", TAX), schema("tax", ORDER, 3)])[0] == 200
    listed = [(s["name"], s["version"]) for s in api.call("GET", "schema")[1]]
    assert listed == [("order", 1), ("order", 2), ("tax", 1), ("tax", 3)]
    assert api.call("POST", "schema", schema("order", TAX, 1))[0] == 200  # overwrites version 1
    assert api.call("GET", "schema/order/1")[1]["data"] == TAX
    assert api.call("DELETE", "schema/order/1")[0] == 200
    assert api.call("GET", "schema/order/1")[0] == 404
    assert api.call("DELETE", "schema/tax")[0] == 200
    assert api.call("GET", "schema/tax")[0] == 404
    assert api.call("DELETE", "schema/tax")[0] == 404
    assert [(s["name"], s["version"]) for s in api.call("GET", "schema")[1]] == [("order", 2)]


@pytest.mark.parametrize(("body", "error_id", "path"), [
    ([1], "SC.E001", "$"),
    ({"name": "bad name", "data": {}}, "SC.E002", "$.name"),
    ({"name": "s", "version": 0, "data": {}}, "SC.E003", "$.version"),
    ({"name": "s", "type": "AVRO", "data": {}}, "SC.E004", "$.type"),
    ({"name": "s"}, "SC.E005", "$.data"),
    ({"name": "s", "data": {"properties": {"total": {"type": "numbr"}}}}, "SC.E005", "$.data.properties.total.type"),
    ({"name": "s", "data": {"required": "total"}}, "SC.E005", "$.data.required"),
])
def test_an_invalid_schema_is_refused_naming_the_field(api: Api, body: Any, error_id: str, path: str) -> None:
    status, error = api.call("POST", "schema", body)
    assert status == 400
    assert [(e["id"], e["path"]) for e in error["validationErrors"]] == [(error_id, path)]
    assert error["message"].startswith(f"Schema is invalid at {path}: ")


def test_a_list_is_saved_all_or_nothing(api: Api) -> None:
    status, error = api.call("POST", "schema", [schema("ok", ORDER), schema("bad", {"minimum": "x"})])
    assert status == 400 and error["validationErrors"][0]["path"] == "$[1].data.minimum"
    assert api.call("GET", "schema")[1] == []


def test_only_admins_write_or_read_schemas() -> None:
    worker = Api(ApiApplication.ROLE_WORKER)
    assert worker.call("POST", "schema", schema("order", ORDER))[0] == 403
    assert worker.call("GET", "schema")[0] == 403


# -- definitions that name schemas --------------------------------------------------------------
def test_definitions_naming_an_unknown_or_malformed_schema_are_refused(api: Api) -> None:
    api.call("POST", "schema", schema("order", ORDER))
    cases = [
        ({"name": "t", "inputSchema": {"name": "nope", "version": 1}}, "TD.E016", "$.inputSchema.name"),
        ({"name": "t", "outputSchema": {"name": "order", "version": 9}}, "TD.E016", "$.outputSchema.name"),
        ({"name": "t", "inputSchema": "order"}, "TD.E015", "$.inputSchema"),
        ({"name": "t", "inputSchema": {"name": "order", "version": "1"}}, "TD.E015", "$.inputSchema"),
        ({"name": "t", "enforceSchema": "yes"}, "TD.E017", "$.enforceSchema"),
    ]
    for doc, error_id, path in cases:
        status, error = api.call("POST", "metadata/taskdefs", [doc])
        assert status == 400, doc
        assert [(e["id"], e["path"]) for e in error["validationErrors"]] == [(error_id, path)], doc
    assert api.call("POST", "metadata/taskdefs", [{"name": "t", "inputSchema": {"name": "order"}}])[0] == 200

    wf = {"name": "w", "version": 1, "tasks": [{"name": "t", "taskReferenceName": "t"}]}
    for extra, error_id, path in [
        ({"inputSchema": {"name": "nope", "version": 1}}, "WF.E056", "$.inputSchema.name"),
        ({"outputSchema": []}, "WF.E055", "$.outputSchema"),
        ({"enforceSchema": 1}, "WF.E057", "$.enforceSchema"),
    ]:
        status, error = api.call("POST", "metadata/workflow", {**wf, **extra})
        assert status == 400 and [(e["id"], e["path"]) for e in error["validationErrors"]] == [(error_id, path)]
    inline = {**wf, "tasks": [{"name": "t", "taskReferenceName": "t",
                               "taskDefinition": {"inputSchema": {"name": "nope", "version": 1}}}]}
    status, error = api.call("POST", "metadata/workflow", inline)
    assert status == 400
    assert error["validationErrors"][0]["path"] == "$.tasks[0].taskDefinition.inputSchema.name"


# -- enforcement ----------------------------------------------------------------------------------
@pytest.fixture()
def tax_flow(api: Api) -> Api:
    """`tax_flow`: the workflow input must carry an order object; the `calc_tax` worker's input
    an order with a numeric total, its output a non-negative tax."""
    assert api.call("POST", "schema", [schema("wf_in", {"type": "object", "required": ["order"]}),
                                       schema("order", ORDER), schema("tax", TAX)])[0] == 200
    tdef = {"name": "calc_tax", "retryCount": 3, "retryDelaySeconds": 0, "enforceSchema": True,
            "inputSchema": {"name": "order", "version": 1}, "outputSchema": {"name": "tax", "version": 1}}
    assert api.call("POST", "metadata/taskdefs", [tdef])[0] == 200
    wf = {"name": "tax_flow", "version": 1, "enforceSchema": True, "inputSchema": {"name": "wf_in", "version": 1},
          "tasks": [{"name": "calc_tax", "taskReferenceName": "calc",
                     "inputParameters": {"order": "${workflow.input.order}"}}]}
    assert api.call("POST", "metadata/workflow", wf)[0] == 200
    return api


def test_a_start_whose_input_breaks_the_workflow_schema_is_refused(tax_flow: Api) -> None:
    status, error = tax_flow.call("POST", "workflow/tax_flow", {"orders": []})
    assert status == 400
    assert "$: 'order' is a required property (required)" in error["message"]
    assert error["validationErrors"] == [{"path": "$", "message": "'order' is a required property", "rule": "required"}]
    status, _ = tax_flow.call("POST", "workflow", {"name": "tax_flow", "input": {}})
    assert status == 400
    assert not Workflow.objects.exists()


def test_a_task_whose_resolved_input_breaks_its_schema_fails_without_retries(tax_flow: Api) -> None:
    status, wf_id = tax_flow.call("POST", "workflow/tax_flow", {"order": {"total": "12.50"}})
    assert status == 200
    wf = tax_flow.call("GET", f"workflow/{wf_id}")[1]
    assert wf["status"] == "FAILED"
    [task] = wf["tasks"]
    assert task["status"] == "FAILED_WITH_TERMINAL_ERROR"
    assert "$.order.total: '12.50' is not of type 'number' (type)" in task["reasonForIncompletion"]
    assert "$.order.total" in wf["reasonForIncompletion"]
    assert Task.objects.filter(workflow_id=wf_id).count() == 1  # retryCount 3 did not apply


def poll(api: Api) -> dict[str, Any]:
    status, task = api.call("GET", "tasks/poll/calc_tax?workerid=w1")
    assert status == 200, task
    return task


def test_a_worker_output_that_breaks_the_output_schema_is_refused(tax_flow: Api) -> None:
    wf_id = tax_flow.call("POST", "workflow/tax_flow", {"order": {"total": 12.5}})[1]
    task = poll(tax_flow)
    result = {"taskId": task["taskId"], "workflowInstanceId": wf_id, "status": "COMPLETED", "outputData": {"tax": -1}}
    status, error = tax_flow.call("POST", "tasks", result)
    assert status == 400
    assert error["validationErrors"][0]["path"] == "$.tax" and error["validationErrors"][0]["rule"] == "minimum"
    assert "Task output does not match schema 'tax' version 1: $.tax" in error["message"]
    assert Task.objects.get(pk=task["taskId"]).status == "IN_PROGRESS"  # nothing was written
    # update-v2 refuses it the same way; a FAILED result with the same output is not checked
    assert tax_flow.call("POST", "tasks/update-v2", {**result, "outputData": {}})[0] == 400
    assert tax_flow.call("POST", "tasks", {**result, "outputData": {"tax": 2.5}})[0] == 200
    assert tax_flow.call("GET", f"workflow/{wf_id}")[1]["status"] == "COMPLETED"


def test_a_changed_schema_applies_to_the_next_request(tax_flow: Api) -> None:
    wf_id = tax_flow.call("POST", "workflow/tax_flow", {"order": {"total": 12.5}})[1]
    task = poll(tax_flow)
    tax_flow.call("POST", "schema", schema("tax", {"type": "object", "required": ["rate"]}))
    result = {"taskId": task["taskId"], "workflowInstanceId": wf_id, "status": "COMPLETED", "outputData": {"tax": 1}}
    status, error = tax_flow.call("POST", "tasks", result)
    assert status == 400 and error["validationErrors"][0]["rule"] == "required"


def test_concurrent_saves_of_a_new_schema_never_fail_with_a_500() -> None:
    import threading

    from django.db import connection

    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def save() -> None:
        caller = Api()
        barrier.wait()
        statuses.append(caller.call("POST", "schema", schema("raced", ORDER))[0])
        connection.close()

    threads = [threading.Thread(target=save) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(statuses) <= {200, 409} and 200 in statuses, statuses
    assert Api().call("GET", "schema/raced/1")[0] == 200


def test_a_rerun_with_new_inputs_meets_the_same_schemas(tax_flow: Api) -> None:
    wf_id = tax_flow.call("POST", "workflow/tax_flow", {"order": {"total": "bad"}})[1]
    assert tax_flow.call("GET", f"workflow/{wf_id}")[1]["status"] == "FAILED"
    task_id = Task.objects.get(workflow_id=wf_id).id
    status, error = tax_flow.call("POST", f"workflow/{wf_id}/rerun",
                                  {"reRunFromTaskId": task_id, "taskInput": {"order": {"total": "still bad"}}})
    assert status == 400 and error["validationErrors"][0]["path"] == "$.order.total"
    status, error = tax_flow.call("POST", f"workflow/{wf_id}/rerun", {"workflowInput": {"no_order": 1}})
    assert status == 400 and error["validationErrors"][0]["rule"] == "required"
    assert tax_flow.call("GET", f"workflow/{wf_id}")[1]["status"] == "FAILED"  # nothing changed
    status, _ = tax_flow.call("POST", f"workflow/{wf_id}/rerun",
                              {"reRunFromTaskId": task_id, "taskInput": {"order": {"total": 10}}})
    assert status == 200
    wf = tax_flow.call("GET", f"workflow/{wf_id}")[1]
    assert wf["status"] == "RUNNING" and wf["tasks"][-1]["status"] == "SCHEDULED"
