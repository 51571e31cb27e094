"""The execution dashboards in headless Chromium against a live server (issue 8).

The Python side prepares the runs and plays the worker (the task API, as an SDK worker polls it)
once the scenario says the run page is open, so the page must show the run completing live.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.live import ROOT, Stack

from .conftest import result, run_scenario

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=window.__pwned=1>"


def definition() -> dict[str, Any]:
    return {"name": "browser_dash", "version": 1, "schemaVersion": 2, "tasks": [
        {"name": "dash_charge", "taskReferenceName": "charge_ref", "type": "SIMPLE"},
        {"name": "dash_ship", "taskReferenceName": "ship_ref", "type": "SIMPLE"},
    ]}


def test_run_list_filters_live_and_a_run_completes_on_its_page(editor_stack: Stack, tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    with editor_stack.client() as api:
        api.post("/metadata/workflow", json=definition()).raise_for_status()
        done_id = api.post("/workflow", json={"name": "browser_dash", "input": {"orderId": "T-1"}}).text.strip('"')
        api.request("DELETE", f"/workflow/{done_id}", params={"reason": "browser test"}).raise_for_status()
        run_id = api.post("/workflow", json={"name": "browser_dash", "input": {"note": HOSTILE}}).text.strip('"')
        proc = run_scenario(editor_stack, "dashboards.mjs", env={
            "DONE_ID": done_id, "RUN_ID": run_id, "READY_FILE": str(ready), "HOSTILE": HOSTILE})
        done: list[str] = []
        deadline = time.monotonic() + 150
        while proc.poll() is None and time.monotonic() < deadline and len(done) < 2:
            if not ready.exists():
                time.sleep(0.1)
                continue
            for task_type in ("dash_charge", "dash_ship"):
                try:
                    polled = api.get(f"/tasks/poll/batch/{task_type}",
                                     params={"count": 1, "timeout": 200, "workerid": "browser-worker"})
                except httpx.HTTPError:
                    continue
                if polled.status_code != 200 or not polled.content:
                    continue
                for task in polled.json():
                    if task["workflowInstanceId"] != run_id:
                        continue  # the run the scenario starts itself stays RUNNING
                    time.sleep(0.5)  # long enough for the page to show the task running
                    api.post("/tasks", json={
                        "taskId": task["taskId"], "workflowInstanceId": run_id, "status": "COMPLETED",
                        "outputData": {"done": task_type.removeprefix("dash_")},
                        "logs": [{"log": f"{task_type.removeprefix('dash_')} done {HOSTILE}", "createdTime": 0}],
                    }).raise_for_status()
                    done.append(task_type)
        data = result(proc)
        wf = api.get(f"/workflow/{run_id}").json()
    assert wf["status"] == "COMPLETED"
    assert sorted(done) == ["dash_charge", "dash_ship"]
    assert "COMPLETED" in data["seenCharge"]


TRACEBACK = ('Traceback (most recent call last):\n  File "worker.py", line 12, in charge\n'
             '    raise ValueError("card declined")\nValueError: card declined')


def _serve_one(api: httpx.Client, task_type: str, run_id: str, body: dict[str, Any], deadline: float) -> None:
    while time.monotonic() < deadline:
        polled = api.get(f"/tasks/poll/batch/{task_type}", params={"count": 1, "timeout": 500, "workerid": "w-1"})
        for task in (polled.json() if polled.status_code == 200 and polled.content else []):
            assert task["workflowInstanceId"] == run_id
            api.post("/tasks", json={"taskId": task["taskId"], "workflowInstanceId": run_id, **body}).raise_for_status()
            return
    raise AssertionError(f"no {task_type} task to serve")


def test_a_failed_run_shows_its_traceback_is_retried_from_the_page_and_completes(
        editor_stack: Stack, tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    with editor_stack.client() as api:
        api.post("/metadata/workflow", json={"name": "browser_dash_retry", "version": 1, "schemaVersion": 2, "tasks": [
            {"name": "dash_flaky", "taskReferenceName": "flaky_ref", "type": "SIMPLE"}]}).raise_for_status()
        api.post("/metadata/taskdefs", json=[{"name": "dash_flaky", "retryCount": 0}]).raise_for_status()
        run_id = api.post("/workflow", json={"name": "browser_dash_retry", "input": {"orderId": "R-1"}}).text.strip('"')
        _serve_one(api, "dash_flaky", run_id, {"status": "FAILED", "reasonForIncompletion": "card declined",
                                               "logs": [{"log": TRACEBACK, "createdTime": 0}]}, time.monotonic() + 30)
        deadline = time.monotonic() + 30
        while api.get(f"/workflow/{run_id}").json()["status"] != "FAILED":
            assert time.monotonic() < deadline, "the run did not fail"
            time.sleep(0.1)
        proc = run_scenario(editor_stack, "dash_retry.mjs", env={"RUN_ID": run_id, "READY_FILE": str(ready)})
        deadline = time.monotonic() + 120
        while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        if ready.exists():
            _serve_one(api, "dash_flaky", run_id, {"status": "COMPLETED", "outputData": {"charged": True}}, deadline)
        data = result(proc)
        wf = api.get(f"/workflow/{run_id}").json()
    assert wf["status"] == "COMPLETED"
    assert data["attempts"] == 2


def test_bulk_terminate_by_filter_shows_the_count_then_terminates_exactly_those(editor_stack: Stack) -> None:
    with editor_stack.client() as api:
        api.put("/metadata/workflow", json=[definition()]).raise_for_status()  # create or replace
        targets = [api.post("/workflow", json={"name": "browser_dash", "input": {"batch": "b-9"}}).text.strip('"')
                   for _ in range(3)]
        other = api.post("/workflow", json={"name": "browser_dash", "input": {"batch": "b-10"}}).text.strip('"')
        result(run_scenario(editor_stack, "dash_bulk.mjs", env={"TARGETS": json.dumps(targets)}))
        for wf_id in targets:
            wf = api.get(f"/workflow/{wf_id}", params={"includeTasks": "false"}).json()
            assert (wf["status"], wf["reasonForIncompletion"]) == ("TERMINATED", "bad batch")
        assert api.get(f"/workflow/{other}/status").json()["status"] == "RUNNING"


def test_the_link_for_an_sdk_started_run_shows_it_completing_with_an_sdk_worker(
        editor_stack: Stack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in editor_stack.sdk_env().items():
        if key.startswith("CONDUCTOR_"):
            monkeypatch.setenv(key, value)
    from conductor.client.configuration.configuration import Configuration
    from conductor.client.http.models.start_workflow_request import StartWorkflowRequest
    from conductor.client.orkes_clients import OrkesClients

    with editor_stack.client() as api:
        api.put("/metadata/workflow", json=[{"name": "browser_sdk", "version": 1, "schemaVersion": 2, "tasks": [
            {"name": "sdk_greet", "taskReferenceName": "greet_ref", "type": "SIMPLE",
             "inputParameters": {"name": "${workflow.input.name}"}}],
            "outputParameters": {"greeting": "${greet_ref.output.greeting}"}}]).raise_for_status()
    config = Configuration()
    workflow_id = OrkesClients(config).get_workflow_client().start_workflow(
        StartWorkflowRequest(name="browser_sdk", version=1, input={"name": "Ada"}))
    run_url = f"{config.ui_host}/execution/{workflow_id}"  # the link the SDK's configuration gives
    ready = tmp_path / "ready"
    proc = run_scenario(editor_stack, "dash_sdk.mjs", env={"RUN_URL": run_url, "READY_FILE": str(ready)})
    deadline = time.monotonic() + 60
    while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    log = open(tmp_path / "workers.log", "wb")  # noqa: SIM115
    workers = subprocess.Popen([sys.executable, str(ROOT / "tests/sdk/sdk_workers.py")], cwd=ROOT,
                               env={**editor_stack.sdk_env(), "BATON_TEST_MARKS": str(tmp_path / "marks")},
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        data = result(proc)
    finally:
        os.killpg(workers.pid, signal.SIGTERM)
        workers.wait(timeout=20)
        log.close()
    assert "Hello Ada" in data["output"]


def test_the_overview_counts_a_new_run_live_and_its_logs_are_searched_copied_and_downloaded(
        editor_stack: Stack, tmp_path: Path) -> None:
    ready, started = tmp_path / "ready", tmp_path / "started"
    with editor_stack.client() as api:
        api.put("/metadata/workflow", json=[{"name": "browser_overview", "version": 1, "schemaVersion": 2, "tasks": [
            {"name": "ov_charge", "taskReferenceName": "charge_ref", "type": "SIMPLE"},
            {"name": "ov_ship", "taskReferenceName": "ship_ref", "type": "SIMPLE"}]}]).raise_for_status()
        api.post("/metadata/taskdefs", json=[{"name": "ov_charge"}]).raise_for_status()
        api.post("/workflow", json={"name": "browser_overview", "input": {}}).raise_for_status()
        proc = run_scenario(editor_stack, "dash_overview.mjs", env={
            "READY_FILE": str(ready), "STARTED_FILE": str(tmp_path / "started"), "HOSTILE": HOSTILE})
        deadline = time.monotonic() + 60
        while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        if ready.exists():
            run_id = api.post("/workflow", json={"name": "browser_overview", "input": {}}).text.strip('"')
            started.write_text(run_id)
            # the first run's task is first in the queue: serve both, logging on the new run's
            for _ in range(2):
                _serve_one_of(api, "ov_charge", run_id, deadline + 30)
        data = result(proc)
    assert "ov_charge" in data["queue"] and "w-ov" in data["queue"] and "s ago" in data["queue"]
    assert data["text"].count("\n") == 1


def _serve_one_of(api: httpx.Client, task_type: str, run_id: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        polled = api.get(f"/tasks/poll/batch/{task_type}", params={"count": 1, "timeout": 500, "workerid": "w-ov"})
        for task in (polled.json() if polled.status_code == 200 and polled.content else []):
            mine = task["workflowInstanceId"] == run_id
            api.post("/tasks", json={
                "taskId": task["taskId"], "workflowInstanceId": task["workflowInstanceId"],
                "status": "IN_PROGRESS" if mine else "COMPLETED", "callbackAfterSeconds": 3600,
                "logs": [{"log": f"charged for {HOSTILE}", "createdTime": 0}] if mine else [],
            }).raise_for_status()
            return
    raise AssertionError(f"no {task_type} task to serve")


def test_the_task_drawer_reruns_with_new_input_skips_and_completes_a_wait_by_hand(
        editor_stack: Stack, tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    with editor_stack.client() as api:
        api.put("/metadata/workflow", json=[
            {"name": "browser_rerun", "version": 1, "schemaVersion": 2, "tasks": [
                {"name": "ra_charge", "taskReferenceName": "charge_ref", "type": "SIMPLE"},
                {"name": "ra_ship", "taskReferenceName": "ship_ref", "type": "SIMPLE"}]},
            {"name": "browser_hand", "version": 1, "schemaVersion": 2, "tasks": [
                {"name": "hand_wait", "taskReferenceName": "hand_wait", "type": "WAIT"},
                {"name": "hand_extra", "taskReferenceName": "hand_extra", "type": "SIMPLE"}]},
        ]).raise_for_status()
        api.post("/metadata/taskdefs", json=[{"name": "ra_charge", "retryCount": 0},
                                            {"name": "ra_ship", "retryCount": 0}]).raise_for_status()
        rerun_id = api.post("/workflow", json={"name": "browser_rerun", "input": {}}).text.strip('"')
        hand_id = api.post("/workflow", json={"name": "browser_hand", "input": {}}).text.strip('"')
        _serve_one(api, "ra_charge", rerun_id, {"status": "COMPLETED", "outputData": {"charged": 1}}, time.monotonic() + 30)
        _serve_one(api, "ra_ship", rerun_id, {"status": "FAILED_WITH_TERMINAL_ERROR",
                                              "reasonForIncompletion": "no truck"}, time.monotonic() + 30)
        proc = run_scenario(editor_stack, "run_actions.mjs", env={
            "RERUN_ID": rerun_id, "HAND_ID": hand_id, "READY_FILE": str(ready)})
        deadline = time.monotonic() + 120
        while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        inputs: list[Any] = []
        if ready.exists():
            inputs.append(_serve_rerun(api, rerun_id, deadline))
            _serve_one(api, "ra_ship", rerun_id, {"status": "COMPLETED"}, deadline)
        data = result(proc)
        rerun = api.get(f"/workflow/{rerun_id}").json()
        hand = api.get(f"/workflow/{hand_id}").json()
    assert inputs == [{"amount": 42}]  # the worker got the new input
    assert rerun["status"] == "COMPLETED" and hand["status"] == "COMPLETED"
    assert [(t["referenceTaskName"], t["status"]) for t in hand["tasks"]] == [
        ("hand_wait", "COMPLETED"), ("hand_extra", "SKIPPED")]
    assert hand["tasks"][0]["outputData"] == {"approved": "<b>yes</b>"}
    assert data["lines"] == 1


def _serve_rerun(api: httpx.Client, run_id: str, deadline: float) -> Any:
    """Complete the rerun charge task with a log line; answer the input the worker got."""
    while time.monotonic() < deadline:
        polled = api.get("/tasks/poll/batch/ra_charge", params={"count": 1, "timeout": 500, "workerid": "w-ra"})
        for task in (polled.json() if polled.status_code == 200 and polled.content else []):
            assert task["workflowInstanceId"] == run_id
            api.post("/tasks", json={"taskId": task["taskId"], "workflowInstanceId": run_id, "status": "COMPLETED",
                                     "outputData": {"charged": task["inputData"].get("amount")},
                                     "logs": [{"log": f"charged {task['inputData'].get('amount')}", "createdTime": 0}],
                                     }).raise_for_status()
            return task["inputData"]
    raise AssertionError("no rerun charge task to serve")
