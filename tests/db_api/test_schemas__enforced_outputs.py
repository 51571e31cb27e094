"""A WorkflowDef's enforced outputSchema and the TaskDef schemas of server-run tasks, through the
real API on PostgreSQL (issue 9): the run fails with the path and the rule named.
"""

from __future__ import annotations

import pytest

from executions.models import Task

from .test_schemas__api import Api, schema

pytestmark = [
    pytest.mark.db_tier,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

QUOTE = {"type": "object", "required": ["total"], "properties": {"total": {"type": "number", "minimum": 0}}}
RESULT = {"type": "object", "required": ["result"], "properties": {"result": {"type": "integer"}}}


@pytest.fixture()
def api() -> Api:
    api = Api()
    assert api.call("POST", "schema", [schema("quote", QUOTE), schema("result", RESULT)])[0] == 200
    return api


def test_a_workflow_whose_output_breaks_its_output_schema_ends_failed(api: Api) -> None:
    wf = {"name": "quote_flow", "version": 1, "enforceSchema": True, "outputSchema": {"name": "quote", "version": 1},
          "tasks": [{"name": "price", "taskReferenceName": "price", "type": "SIMPLE"}],
          "outputParameters": {"total": "${price.output.total}"}}
    assert api.call("POST", "metadata/workflow", wf)[0] == 200
    for total, expected in ((4.5, "COMPLETED"), (-2, "FAILED")):
        wf_id = api.call("POST", "workflow/quote_flow", {})[1]
        status, task = api.call("GET", "tasks/poll/price?workerid=w1")
        assert status == 200
        result = {"taskId": task["taskId"], "workflowInstanceId": wf_id, "status": "COMPLETED",
                  "outputData": {"total": total}}
        assert api.call("POST", "tasks", result)[0] == 200
        run = api.call("GET", f"workflow/{wf_id}")[1]
        assert run["status"] == expected and run["output"] == {"total": total}
    assert run["reasonForIncompletion"] == ("Workflow output does not match schema 'quote' version 1: "
                                            "$.total: -2 is less than the minimum of 0 (minimum)")


def test_an_unregistered_workflow_output_schema_is_refused_at_registration(api: Api) -> None:
    wf = {"name": "w", "version": 1, "enforceSchema": True, "outputSchema": {"name": "nope", "version": 1},
          "tasks": [{"name": "price", "taskReferenceName": "price", "type": "SIMPLE"}]}
    status, error = api.call("POST", "metadata/workflow", wf)
    assert status == 400 and error["validationErrors"][0]["path"] == "$.outputSchema.name"


def test_a_registered_task_def_enforces_an_inline_tasks_output_schema(api: Api) -> None:
    tdef = {"name": "calc", "retryCount": 2, "retryDelaySeconds": 0, "enforceSchema": True,
            "outputSchema": {"name": "result", "version": 1}}
    assert api.call("POST", "metadata/taskdefs", [tdef])[0] == 200
    wf = {"name": "calc_flow", "version": 1,
          "tasks": [{"name": "calc", "taskReferenceName": "calc", "type": "INLINE",
                     "inputParameters": {"evaluatorType": "graaljs", "expression": "$.v", "v": "${workflow.input.v}"}}]}
    assert api.call("POST", "metadata/workflow", wf)[0] == 200
    ok = api.call("POST", "workflow/calc_flow", {"v": 7})[1]
    assert api.call("GET", f"workflow/{ok}")[1]["status"] == "COMPLETED"
    bad = api.call("POST", "workflow/calc_flow", {"v": "seven"})[1]
    run = api.call("GET", f"workflow/{bad}")[1]
    assert run["status"] == "FAILED"
    [task] = run["tasks"]
    assert task["status"] == "FAILED_WITH_TERMINAL_ERROR"
    assert task["reasonForIncompletion"] == ("Task output does not match schema 'result' version 1: "
                                             "$.result: 'seven' is not of type 'integer' (type)")
    assert Task.objects.filter(workflow_id=bad).count() == 1  # retryCount 2 did not apply


def test_a_registered_task_def_enforces_a_jq_tasks_input_schema(api: Api) -> None:
    needs_v = {"type": "object", "required": ["v"], "properties": {"v": {"type": "integer"}}}
    assert api.call("POST", "schema", schema("jq_in", needs_v))[0] == 200
    tdef = {"name": "shape", "enforceSchema": True, "inputSchema": {"name": "jq_in", "version": 1}}
    assert api.call("POST", "metadata/taskdefs", [tdef])[0] == 200
    wf = {"name": "jq_flow", "version": 1,
          "tasks": [{"name": "shape", "taskReferenceName": "shape", "type": "JSON_JQ_TRANSFORM",
                     "inputParameters": {"queryExpression": ".v", "v": "${workflow.input.v}"}}]}
    assert api.call("POST", "metadata/workflow", wf)[0] == 200
    bad = api.call("POST", "workflow/jq_flow", {"v": [1]})[1]
    [task] = api.call("GET", f"workflow/{bad}")[1]["tasks"]
    assert task["status"] == "FAILED_WITH_TERMINAL_ERROR" and task["outputData"] == {}
    assert "$.v: [1] is not of type 'integer' (type)" in task["reasonForIncompletion"]


def test_a_rerun_of_a_system_task_with_a_breaking_input_is_refused_and_a_retry_is_checked_again(api: Api) -> None:
    needs_v = {"type": "object", "required": ["v"], "properties": {"v": {"type": "integer"}}}
    assert api.call("POST", "schema", schema("jq_in", needs_v))[0] == 200
    tdef = {"name": "shape", "enforceSchema": True, "inputSchema": {"name": "jq_in", "version": 1}}
    assert api.call("POST", "metadata/taskdefs", [tdef])[0] == 200
    wf = {"name": "jq_flow", "version": 1,
          "tasks": [{"name": "shape", "taskReferenceName": "shape", "type": "JSON_JQ_TRANSFORM",
                     "inputParameters": {"queryExpression": ".v", "v": "${workflow.input.v}"}}]}
    assert api.call("POST", "metadata/workflow", wf)[0] == 200
    wf_id = api.call("POST", "workflow/jq_flow", {"v": "x"})[1]
    task_id = Task.objects.get(workflow_id=wf_id).id
    status, error = api.call("POST", f"workflow/{wf_id}/rerun",
                             {"reRunFromTaskId": task_id, "taskInput": {"queryExpression": ".v", "v": "y"}})
    assert status == 400 and error["validationErrors"][0]["path"] == "$.v"
    # A retry runs the same input again: checked before the transform starts, it fails the same way.
    assert api.call("POST", f"workflow/{wf_id}/retry")[0] in (200, 204)
    run = api.call("GET", f"workflow/{wf_id}")[1]
    assert run["status"] == "FAILED"
    assert [t["status"] for t in run["tasks"]] == ["FAILED_WITH_TERMINAL_ERROR", "FAILED_WITH_TERMINAL_ERROR"]
    assert run["tasks"][-1]["outputData"] == {}
    status, _ = api.call("POST", f"workflow/{wf_id}/rerun",
                         {"reRunFromTaskId": task_id, "taskInput": {"queryExpression": ".v", "v": 5}})
    assert status == 200
    run = api.call("GET", f"workflow/{wf_id}")[1]
    assert run["status"] == "COMPLETED" and run["tasks"][-1]["outputData"]["result"] == 5
