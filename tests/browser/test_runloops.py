"""The run page's DO_WHILE iteration picker and dynamic-fork stack in headless Chromium (issue 8).

The Python side plays the worker through the task API; the scenarios (runloops_*.mjs) say when
the page is open, so what changes next must reach the page live.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.live import Stack

from .conftest import result, run_scenario

pytestmark = pytest.mark.browser

LOOP = {"name": "browser_loops", "version": 1, "schemaVersion": 2, "tasks": [
    {"name": "loop", "taskReferenceName": "loop", "type": "DO_WHILE",
     "inputParameters": {"times": "${workflow.input.times}"}, "loopCondition": "$.loop['iteration'] < $.times",
     "loopOver": [{"name": "bl_step", "taskReferenceName": "step", "type": "SIMPLE"}]},
]}
FAN = {"name": "browser_fan", "version": 1, "schemaVersion": 2, "tasks": [
    {"name": "fan", "taskReferenceName": "fan", "type": "FORK_JOIN_DYNAMIC",
     "inputParameters": {"forkTaskName": "bl_leaf", "forkTaskInputs": "${workflow.input.items}"}},
    {"name": "join", "taskReferenceName": "fan_join", "type": "JOIN"},
]}


def serve(api: httpx.Client, task_type: str, run_id: str, count: int, output: dict[str, Any] | None = None) -> int:
    """Complete `count` tasks of `task_type` of `run_id`, as a worker does."""
    done, deadline = 0, time.monotonic() + 60
    while done < count:
        assert time.monotonic() < deadline, f"only {done} of {count} {task_type} tasks to serve"
        polled = api.get(f"/tasks/poll/batch/{task_type}", params={"count": count - done, "timeout": 500,
                                                                     "workerid": "w-loops"})
        for task in (polled.json() if polled.status_code == 200 and polled.content else []):
            assert task["workflowInstanceId"] == run_id
            api.post("/tasks", json={"taskId": task["taskId"], "workflowInstanceId": run_id, "status": "COMPLETED",
                                     "outputData": output or {}}).raise_for_status()
            done += 1
    return done


def wait_ready(ready: Path, proc: Any, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    return ready.exists()


def test_the_iteration_picker_changes_the_tasks_shown_and_a_new_iteration_moves_the_default(
        editor_stack: Stack, tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    with editor_stack.client() as api:
        api.put("/metadata/workflow", json=[LOOP]).raise_for_status()
        run_id = api.post("/workflow", json={"name": "browser_loops", "input": {"times": 4}}).text.strip('"')
        serve(api, "bl_step", run_id, 2)  # iterations 1 and 2 done, 3 scheduled
        proc = run_scenario(editor_stack, "runloops_iterations.mjs", env={"RUN_ID": run_id, "READY_FILE": str(ready)})
        if wait_ready(ready, proc):
            serve(api, "bl_step", run_id, 1)  # iteration 4 begins while the page follows the latest
        data = result(proc)
    assert data["picked"] == ["step__1"]
    assert urlsplit(data["url"]).query == "iter.loop=1"  # the pick is in the URL (a drawer may add its #fragment)
    assert data["followed"] == "4"


def test_the_fork_stack_shows_tallies_expands_pages_and_counts_live(editor_stack: Stack, tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    with editor_stack.client() as api:
        api.put("/metadata/workflow", json=[FAN]).raise_for_status()
        run_id = api.post("/workflow", json={"name": "browser_fan", "input": {"items": list(range(120))}}).text.strip('"')
        serve(api, "bl_leaf", run_id, 5)
        proc = run_scenario(editor_stack, "runloops_fork.mjs", env={"RUN_ID": run_id, "READY_FILE": str(ready)})
        if wait_ready(ready, proc):
            serve(api, "bl_leaf", run_id, 1)
        data = result(proc)
    assert data["pages"] == [50, 50, 20]
    assert data["distinct"] == 120
    assert data["tallyBefore"] == ["5 done", "115 pending", "0 failed"]
    assert data["tallyAfter"] == ["6 done", "114 pending", "0 failed"]
