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
