"""The run stream's `?collapse=forks` snapshot (what the run page asks for): a dynamic fork's
branches arrive as tallies, not as task rows; without it the snapshot carries every task.

The real ASGI application through Channels' communicator, the workflow driven through the API.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from .test_consumers__resume import ORIGIN, WAIT, Api, _token

pytestmark = [pytest.mark.db_tier, pytest.mark.django_db(transaction=True),
              pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

DOC = {"name": "db_stream_fan", "version": 1, "tasks": [
    {"name": "fan", "taskReferenceName": "fan", "type": "FORK_JOIN_DYNAMIC",
     "inputParameters": {"forkTaskName": "db_stream_leaf", "forkTaskInputs": "${workflow.input.items}"}},
    {"name": "join", "taskReferenceName": "fan_join", "type": "JOIN"},
]}


def test_the_collapsed_snapshot_has_tallies_instead_of_branches() -> None:
    from orchestrator.asgi import application

    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        token = await _token()
        api = Api(token)
        await api.call("POST", "metadata/workflow", DOC, overwrite="true")
        wf_id = await api.call("POST", "workflow", {"name": "db_stream_fan", "input": {"items": [1, 2, 3, 4]}})
        await api.complete("db_stream_leaf")
        snapshots = []
        for query in ("", "&collapse=forks"):
            ws = WebsocketCommunicator(application, f"/ws/workflows/{wf_id}/?token={token}{query}", headers=[ORIGIN])
            assert (await ws.connect(timeout=WAIT))[0]
            snapshots.append(await ws.receive_json_from(timeout=WAIT))
            await ws.disconnect()
        return snapshots[0]["workflow"], snapshots[1]["workflow"]

    full, collapsed = async_to_sync(scenario)()
    assert len(full["tasks"]) == 6 and "forks" not in full
    assert [t["referenceTaskName"] for t in collapsed["tasks"]] == ["fan", "fan_join"]
    assert collapsed["forks"] == {"fan": {"0": {"success": 1, "pending": 3, "failed": 0, "total": 4}}}


def test_a_large_snapshot_arrives_in_parts_that_add_up_to_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Daphne will not send a message over 1 MiB (a 1,000-task snapshot is ~1.1 MB): the snapshot's
    tasks come `SNAPSHOT_TASKS` a message, the first with `moreTasks`, before any event."""
    from executions import consumers
    from orchestrator.asgi import application

    monkeypatch.setattr(consumers, "SNAPSHOT_TASKS", 4)

    async def scenario() -> tuple[list[dict[str, Any]], dict[str, Any]]:
        token = await _token()
        api = Api(token)
        await api.call("POST", "metadata/workflow", DOC, overwrite="true")
        wf_id = await api.call("POST", "workflow", {"name": "db_stream_fan", "input": {"items": [1, 2, 3, 4, 5]}})
        ws = WebsocketCommunicator(application, f"/ws/workflows/{wf_id}/?token={token}", headers=[ORIGIN])
        assert (await ws.connect(timeout=WAIT))[0]
        messages = [await ws.receive_json_from(timeout=WAIT) for _ in range(2)]
        await ws.disconnect()
        whole = await api.call("GET", f"workflow/{wf_id}", includeTasks="true")
        return messages, whole

    (first, rest), whole = async_to_sync(scenario)()
    assert len(whole["tasks"]) == 7  # the fork, 5 branches, the join
    assert first["type"] == "snapshot" and first["moreTasks"] == 3 and len(first["workflow"]["tasks"]) == 4
    assert rest["type"] == "snapshot-tasks"
    got = [t["taskId"] for t in first["workflow"]["tasks"] + rest["tasks"]]
    assert got == [t["taskId"] for t in whole["tasks"]]


def test_snapshot_messages_keep_a_small_run_whole_and_split_a_large_one() -> None:
    from executions.consumers import snapshot_messages

    small = {"workflowId": "w", "tasks": [{"taskId": str(i)} for i in range(3)]}
    assert snapshot_messages(small, 9, 3) == [{"type": "snapshot", "lastEventId": 9, "workflow": small}]
    assert snapshot_messages(None, 0, 3) == [{"type": "snapshot", "lastEventId": 0, "workflow": None}]
    big = {"workflowId": "w", "status": "COMPLETED", "tasks": [{"taskId": str(i)} for i in range(7)]}
    msgs = snapshot_messages(big, 5, 3)
    assert [m["type"] for m in msgs] == ["snapshot", "snapshot-tasks", "snapshot-tasks"]
    assert msgs[0]["moreTasks"] == 4 and msgs[0]["workflow"]["status"] == "COMPLETED"
    assert [t["taskId"] for m in msgs for t in (m.get("workflow") or m)["tasks"]] == [str(i) for i in range(7)]
    assert big["tasks"] and len(big["tasks"]) == 7  # the caller's snapshot is left whole
