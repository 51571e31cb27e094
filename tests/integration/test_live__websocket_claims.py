"""The live view of a running workflow shows a worker task go SCHEDULED → IN_PROGRESS → COMPLETED."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets

pytestmark = pytest.mark.integration

DOC = {"name": "it_ws_claims", "version": 1, "tasks": [
    {"name": "it_ws_claims_t", "taskReferenceName": "first"},
    {"name": "it_ws_claims_t", "taskReferenceName": "second"}]}


async def _recv(ws, timeout: float = 10.0):  # type: ignore[no-untyped-def]
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


def test_the_stream_shows_each_transition_of_a_worker_task_in_order(pg_stack, api):  # type: ignore[no-untyped-def]
    api.post("/metadata/workflow", params={"overwrite": "true"}, json=DOC)
    wf_id = api.post("/workflow", json={"name": "it_ws_claims"}).text
    url = pg_stack.url.replace("http", "ws") + f"/ws/workflows/{wf_id}/?token={pg_stack.token()}"

    def poll() -> dict:  # type: ignore[type-arg]
        return api.get("/tasks/poll/batch/it_ws_claims_t", params={"count": 1, "timeout": 1000,
                                                                    "workerid": "it-worker"}).json()[0]

    async def until(ws, ref: str, status: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
        while True:
            event = await _recv(ws)
            if event.get("kind") == "task" and event["payload"]["referenceTaskName"] == ref:
                seen.append((ref, event["payload"]["status"]))
                if event["payload"]["status"] == status:
                    return event

    seen: list[tuple[str, str]] = []

    async def scenario() -> dict:  # type: ignore[type-arg]
        async with websockets.connect(url, origin=pg_stack.url) as ws:
            assert (await _recv(ws))["type"] == "snapshot"
            first = poll()  # the snapshot showed `first` SCHEDULED; from here on, live
            await until(ws, "first", "IN_PROGRESS")
            api.post("/tasks", json={"taskId": first["taskId"], "status": "COMPLETED", "workflowInstanceId": wf_id})
            await until(ws, "first", "COMPLETED")
            await until(ws, "second", "SCHEDULED")
            second = poll()
            started = await until(ws, "second", "IN_PROGRESS")
            api.post("/tasks", json={"taskId": second["taskId"], "status": "COMPLETED", "workflowInstanceId": wf_id})
            await until(ws, "second", "COMPLETED")
            return started

    started = asyncio.run(scenario())
    assert seen == [("first", "IN_PROGRESS"), ("first", "COMPLETED"),
                    ("second", "SCHEDULED"), ("second", "IN_PROGRESS"), ("second", "COMPLETED")]
    assert started["payload"]["workerId"] == "it-worker" and started["payload"]["pollCount"] == 1
    assert started["taskId"] == started["payload"]["taskId"]
