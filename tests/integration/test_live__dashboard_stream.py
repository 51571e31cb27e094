"""/ws/dashboard/ over Daphne with Redis as the channel layer: a start and a task result reach an
open run list through the doorbell (no poller runs on a shared layer)."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
import websockets

pytestmark = pytest.mark.integration

DOC = {"name": "it_dash", "version": 1, "tasks": [{"name": "it_dash_t", "taskReferenceName": "t"}]}


def test_open_lists_hear_starts_and_completions(pg_stack, api):  # type: ignore[no-untyped-def]
    api.post("/metadata/workflow", params={"overwrite": "true"}, json=DOC)
    url = pg_stack.url.replace("http", "ws") + f"/ws/dashboard/?token={pg_stack.token()}"

    async def changed(ws, wanted: str, timeout: float = 10.0) -> float:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), max(0.01, deadline - time.monotonic())))
            if message["type"] == "changed" and wanted in message["workflowIds"]:
                return time.monotonic()

    async def scenario() -> None:
        async with websockets.connect(url, origin=pg_stack.url) as ws:
            wf_id = api.post("/workflow", json={"name": "it_dash"}).text
            await changed(ws, wf_id)
            task = api.get("/tasks/poll/batch/it_dash_t", params={"count": 1, "timeout": 1000}).json()[0]
            api.post("/tasks", json={"taskId": task["taskId"], "status": "COMPLETED"})
            await changed(ws, wf_id)
            deadline = time.monotonic() + 10
            while api.get(f"/workflow/{wf_id}/status").json()["status"] != "COMPLETED":
                assert time.monotonic() < deadline
                await asyncio.sleep(0.05)

    asyncio.run(scenario())
