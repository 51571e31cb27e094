"""The run list in headless Chromium against a live server (issue 8): filter by tag, the list
staying live under that filter, a checkbox selection terminated with a reason after its
confirmation, and a saved view applied again."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.live import Stack

from .conftest import result, run_scenario

pytestmark = pytest.mark.browser


def definition(name: str) -> dict[str, Any]:
    return {"name": name, "version": 1, "schemaVersion": 2, "tasks": [
        {"name": "runlist_step", "taskReferenceName": "step_ref", "type": "SIMPLE"}]}


def test_filter_by_tag_select_two_terminate_them_and_reapply_a_saved_view(editor_stack: Stack) -> None:
    with editor_stack.client() as api:
        api.put("/metadata/workflow", json=[definition("browser_tagged"), definition("browser_untagged")]
                ).raise_for_status()
        api.put("/metadata/workflow/browser_tagged/tags", json=[{"key": "team", "value": "payments"}]
                ).raise_for_status()
        tagged = [api.post("/workflow", json={"name": "browser_tagged", "input": {"i": i}}).text.strip('"')
                  for i in range(3)]
        untagged = api.post("/workflow", json={"name": "browser_untagged", "input": {}}).text.strip('"')
        data = result(run_scenario(editor_stack, "dash_runlist.mjs", env={
            "TAGGED": json.dumps(tagged), "UNTAGGED": untagged,
            "TAGGED_NAME": "browser_tagged", "OTHER_NAME": "browser_untagged"}))
        status = {wf_id: api.get(f"/workflow/{wf_id}", params={"includeTasks": "false"}).json()
                  for wf_id in [*tagged, untagged, data["fresh"], data["later"], data["other"]]}
    for wf_id in data["terminated"]:
        assert (status[wf_id]["status"], status[wf_id]["reasonForIncompletion"]) == ("TERMINATED", "picked by hand")
    untouched = set(status) - set(data["terminated"])
    assert len(untouched) == 5 and all(status[w]["status"] == "RUNNING" for w in untouched)
