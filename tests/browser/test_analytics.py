"""The workflow pages and /metrics/ in headless Chromium against a live server (issue 8): the
/workflows/ list with its failure rate, a workflow's task × run grid whose failed cell opens that
task of that run, the grid taking a new run live, and /metrics/ drawing its charts beside their
tables with working downloads."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.live import Stack

from .conftest import result, run_scenario

pytestmark = pytest.mark.browser

NAME = "browser_analytics"


def definition() -> dict[str, Any]:
    # Server-run only (INLINE), so every run ends without a worker; `fail` makes one run fail.
    script = "(function () { if ($.fail) { throw new Error('card declined'); } return $.n * 2; })()"
    return {"name": NAME, "version": 1, "schemaVersion": 2, "tasks": [
        {"name": "price", "taskReferenceName": "price_ref", "type": "INLINE", "inputParameters": {
            "evaluatorType": "javascript", "expression": script,
            "n": "${workflow.input.n}", "fail": "${workflow.input.fail}"}},
        {"name": "total", "taskReferenceName": "total_ref", "type": "INLINE", "inputParameters": {
            "evaluatorType": "javascript", "expression": "$.p + 1", "p": "${price_ref.output.result}"}},
    ]}


def wait_ended(api: Any, ids: list[str], timeout: float = 60) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    while True:
        status = {i: api.get(f"/workflow/{i}", params={"includeTasks": "false"}).json()["status"] for i in ids}
        if all(s != "RUNNING" for s in status.values()) or time.monotonic() > deadline:
            return status
        time.sleep(0.2)


def test_workflow_grid_opens_the_failed_task_and_metrics_draw_their_tables(editor_stack: Stack) -> None:
    with editor_stack.client() as api:
        api.post("/metadata/workflow", json=definition()).raise_for_status()
        ids = [api.post("/workflow", json={"name": NAME, "input": {"n": n, "fail": n == 2}}).text.strip('"')
               for n in range(4)]
        status = wait_ended(api, ids)
        assert sorted(status.values()) == ["COMPLETED", "COMPLETED", "COMPLETED", "FAILED"], status
        failed = next(i for i, s in status.items() if s == "FAILED")
        data = result(run_scenario(editor_stack, "analytics.mjs", env={"NAME": NAME, "FAILED_ID": failed}))
        fresh = data["fresh"]
        assert wait_ended(api, [fresh])[fresh] == "COMPLETED"
    assert data["gridColumns"] == 4 and data["liveColumns"] == 5
    assert data["failureRate"] == "25.0% (1 of 4 ended)"
