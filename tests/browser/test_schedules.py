"""Schedules in the browser: create one, preview its fires as the cron is typed, see the first fire and open its run."""

from __future__ import annotations

import pytest

from tests.browser.conftest import result, run_scenario
from tests.live import Stack

pytestmark = pytest.mark.browser

FLOW = {"name": "browser_scheduled", "version": 1, "schemaVersion": 2, "tasks": [
    {"name": "calc", "taskReferenceName": "calc", "type": "INLINE",
     "inputParameters": {"evaluatorType": "javascript", "expression": "$.n + 1", "n": "${workflow.input.n}"}}]}


def test_create_preview_fire_and_open_the_run(editor_stack: Stack) -> None:
    with editor_stack.client() as api:
        api.post("/metadata/workflow", json=FLOW, params={"overwrite": "true"}).raise_for_status()
        data = result(run_scenario(editor_stack, "schedules.mjs"))
        assert "cronExpression" in data["halfway"]  # 5 fields: Spring wants 6
        assert data["words"] == "Every 2 seconds"
        assert len(data["times"]) == 10 and all(t.strip() for t in data["times"])
        assert data["paused"].startswith("paused")
        fires = api.get("/scheduler/search/executions",
                        params={"query": "scheduleName='browser_every_2s'", "sort": "scheduledTime:ASC"}).json()
        assert data["workflowId"] in [f["workflowId"] for f in fires["results"]]
        run = api.get(f"/workflow/{data['workflowId']}").json()
        assert run["workflowName"] == "browser_scheduled" and run["input"] == {"n": 41}
