"""The visual editor in headless Chromium against a live server (issue 4's browser scenarios)."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.live import Stack

from .conftest import result, run_scenario

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"


def simple(ref: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "taskReferenceName": ref, "type": "SIMPLE", "inputParameters": {}, **extra}


def run_definition(name: str) -> dict[str, Any]:
    """The shape the build scenario draws: SIMPLE, SWITCH (gold → INLINE), FORK of two SIMPLE, JOIN."""
    return {
        "name": name, "version": 1, "schemaVersion": 2,
        "tasks": [
            simple("charge_ref", "charge"),
            {"name": "switch", "taskReferenceName": "switch_ref", "type": "SWITCH", "evaluatorType": "value-param",
             "expression": "switchCaseValue", "inputParameters": {"switchCaseValue": "${workflow.input.tier}"},
             "decisionCases": {"gold": [{"name": "inline", "taskReferenceName": "inline_ref", "type": "INLINE",
                                         "inputParameters": {"evaluatorType": "graaljs", "value": "${workflow.input.amount}",
                                                             "expression": "(function () { return $.value * 2; })();"}}],
                               "silver": []},
             "defaultCase": []},
            {"name": "fork", "taskReferenceName": "fork_ref", "type": "FORK_JOIN",
             "forkTasks": [[simple("ship_ref", "ship")], [simple("notify_ref", "notify")]]},
            {"name": "join", "taskReferenceName": "join_ref", "type": "JOIN", "joinOn": ["ship_ref", "notify_ref"]},
        ],
    }


def big_definition(name: str, n: int) -> dict[str, Any]:
    """n tasks: sequences with a SWITCH, a FORK/JOIN and a DO_WHILE every few tasks."""
    tasks: list[dict[str, Any]] = []
    count = i = 0
    while count < n:
        i += 1
        if i % 5 == 0:
            tasks.append({"name": f"sw{i}", "taskReferenceName": f"sw{i}", "type": "SWITCH", "evaluatorType": "value-param",
                          "expression": "v", "inputParameters": {"v": "${workflow.input.v}"},
                          "decisionCases": {"a": [simple(f"a{i}", "a"), simple(f"b{i}", "b")]}, "defaultCase": [simple(f"c{i}", "c")]})
            count += 4
        elif i % 5 == 1:
            tasks.append({"name": f"f{i}", "taskReferenceName": f"f{i}", "type": "FORK_JOIN",
                          "forkTasks": [[simple(f"l{i}", "l")], [simple(f"r{i}", "r")]]})
            tasks.append({"name": f"j{i}", "taskReferenceName": f"j{i}", "type": "JOIN", "joinOn": [f"l{i}", f"r{i}"]})
            count += 4
        elif i % 5 == 2:
            tasks.append({"name": f"lp{i}", "taskReferenceName": f"lp{i}", "type": "DO_WHILE", "loopCondition": "false",
                          "loopOver": [simple(f"in{i}", "in")]})
            count += 2
        else:
            tasks.append(simple(f"t{i}", "t"))
            count += 1
    return {"name": name, "version": 1, "schemaVersion": 2, "tasks": tasks}


def test_build_a_workflow_by_clicking(editor_stack: Stack) -> None:
    data = result(run_scenario(editor_stack, "build.mjs", env={"WF_NAME": "browser_built"}))
    with editor_stack.client() as api:
        stored = api.get("/metadata/workflow/browser_built").json()
    assert data["stored"]["tasks"] == stored["tasks"]
    tasks = stored["tasks"]
    assert [t["type"] for t in tasks] == ["SIMPLE", "SWITCH", "FORK_JOIN", "JOIN"]
    assert tasks[0] == {"name": "charge", "taskReferenceName": "task_ref", "type": "SIMPLE", "inputParameters": {}}
    switch = tasks[1]
    assert list(switch["decisionCases"]) == ["gold", "case_2"]
    assert switch["inputParameters"] == {"switchCaseValue": "${workflow.input.tier}"}
    assert switch["expression"] == "switchCaseValue" and switch["evaluatorType"] == "value-param"
    [inline] = switch["decisionCases"]["gold"]
    assert inline["type"] == "INLINE"
    assert inline["inputParameters"]["expression"] == "(function () { return $.value * 2; })();"
    assert inline["inputParameters"]["value"] == "${workflow.input.amount}"
    fork, join = tasks[2], tasks[3]
    assert [[t["name"] for t in b] for b in fork["forkTasks"]] == [["ship"], ["notify"]]
    assert join["joinOn"] == ["task_2_ref", "task_3_ref"]  # kept in step with the branches
    assert fork["forkTasks"][1][0]["inputParameters"] == {"param1": "${task_ref.output}"}  # via autocompletion
    assert data["nodes"] == 7


def test_json_view_validation_undo_and_escaping(editor_stack: Stack) -> None:
    definition = {
        "name": "browser_edit", "version": 1, "schemaVersion": 2,
        "tasks": [simple("first_ref", XSS), simple("second_ref", "second", inputParameters={"x": "${first_ref.output.y}"})],
    }
    with editor_stack.client() as api:
        api.post("/metadata/workflow", json=definition).raise_for_status()
        api.post("/metadata/workflow", json=big_definition("browser_edit_big", 300)).raise_for_status()
    data = result(run_scenario(editor_stack, "editing.mjs", env={"WF_NAME": "browser_edit"}))
    assert data["bigMs"] < 1000
    assert data["xssText"] == XSS
    assert data["dialogs"] == []
    assert "nowhere_ref" in data["problem"]
    assert data["undoRedo"] and data["jsonToCanvas"] and data["dragMove"] and data["keyboardAndClipboard"]


def test_run_and_watch_it_complete(editor_stack: Stack) -> None:
    with editor_stack.client() as api:
        api.post("/metadata/workflow", json=run_definition("browser_run")).raise_for_status()
        proc = run_scenario(editor_stack, "run.mjs", env={"WF_NAME": "browser_run"})
        done: list[str] = []
        deadline = time.monotonic() + 120
        # play the worker while the browser watches
        while proc.poll() is None and time.monotonic() < deadline:
            for task_type in ("charge", "ship", "notify"):
                try:
                    polled = api.get(f"/tasks/poll/batch/{task_type}", params={"count": 1, "timeout": 200})
                except httpx.HTTPError:
                    continue
                if polled.status_code != 200 or not polled.content:
                    continue
                for task in polled.json():
                    time.sleep(0.4)  # let the browser see it running
                    api.post("/tasks", json={
                        "taskId": task["taskId"], "workflowInstanceId": task["workflowInstanceId"],
                        "status": "COMPLETED", "outputData": {"done": task_type},
                    }).raise_for_status()
                    done.append(task_type)
        data = result(proc)
        wf = api.get(f"/workflow/{data['workflowId']}").json()
    assert wf["status"] == "COMPLETED"
    assert sorted(done) == ["charge", "notify", "ship"]
    assert data["inlineOutput"] == {"result": 42}


def test_the_inspector_shows_input_schema_fields_and_completion_offers_schema_fields(editor_stack: Stack) -> None:
    # `order` and `tax` refer to registered schemas (`baton:schema/...`): the inspector follows them.
    line = {"type": "object", "required": ["total"], "properties": {
        "total": {"$ref": "baton:schema/money/1"}, "currency": {"enum": ["EUR", "USD"]}}}
    order = {"type": "object", "required": ["order", "region"], "properties": {
        "order": {"$ref": "baton:schema/order_line/1"}, "region": {"type": "string"}, XSS: {"type": "string"}}}
    tax = {"type": "object", "required": ["tax"], "properties": {"tax": {"$ref": "baton:schema/money"}}}
    with editor_stack.client() as api:
        api.post("/schema", json=[{"name": "money", "version": 1, "type": "JSON", "data": {"type": "number"}},
                                  {"name": "order_line", "version": 1, "type": "JSON", "data": line},
                                  {"name": "order", "version": 1, "type": "JSON", "data": order},
                                  {"name": "tax", "version": 1, "type": "JSON", "data": tax},
                                  {"name": "wf_in", "version": 1, "type": "JSON", "data": {
                                      "type": "object", "properties": {"customer": {"type": "string"}}}}]
                 ).raise_for_status()
        api.post("/metadata/taskdefs", json=[
            {"name": "calc_tax", "enforceSchema": True, "inputSchema": {"name": "order", "version": 1},
             "outputSchema": {"name": "tax", "version": 1}}]).raise_for_status()
        api.post("/metadata/workflow", json={
            "name": "browser_schema", "version": 1, "schemaVersion": 2, "inputSchema": {"name": "wf_in", "version": 1},
            "tasks": [simple("calc", "calc_tax", inputParameters={"order": "${workflow.input.order}"}),
                      simple("ship", "ship")]}).raise_for_status()
    data = result(run_scenario(editor_stack, "schemas.mjs", env={"WF_NAME": "browser_schema"}))
    assert data["rows"] == [["order", "object", "required"], ["total", "number", "required"],
                            ["currency", 'one of: "EUR", "USD"', ""], ["region", "string", "required not set"],
                            [XSS, "string", ""]]
    assert data["missing"] == 1
    assert "Value of region" in data["keys"]  # "Add required input" added the one not set
    offered = " | ".join(data["offered"])
    assert "${calc.output.tax}" in offered and "output schema: number, required" in offered
    assert "${workflow.input.customer}" in offered
    assert data["workflowSchema"] == "wf_in" and data["enforcedInJson"]
    assert data["dialogs"] == []
