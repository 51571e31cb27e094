"""The execution live stream over Daphne: snapshot, events, resume, and auth on connect."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets

pytestmark = pytest.mark.integration

DOC = {"name": "it_ws", "version": 1, "tasks": [{"name": "it_ws_t", "taskReferenceName": "t"}]}


async def _recv(ws, timeout: float = 10.0):  # type: ignore[no-untyped-def]
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


def test_stream_sends_a_snapshot_then_events_and_resumes_from_an_event_id(pg_stack, api):  # type: ignore[no-untyped-def]
    api.post("/metadata/workflow", params={"overwrite": "true"}, json=DOC)
    wf_id = api.post("/workflow", json={"name": "it_ws"}).text
    url = pg_stack.url.replace("http", "ws") + f"/ws/workflows/{wf_id}/?token={pg_stack.token()}"

    async def scenario() -> list[dict]:
        seen = []
        async with websockets.connect(url, origin=pg_stack.url) as ws:
            snapshot = await _recv(ws)
            assert snapshot["type"] == "snapshot"
            assert snapshot["workflow"]["workflowId"] == wf_id and snapshot["workflow"]["status"] == "RUNNING"
            task = api.get("/tasks/poll/batch/it_ws_t", params={"count": 1, "timeout": 1000}).json()[0]
            api.post("/tasks", json={"taskId": task["taskId"], "status": "COMPLETED", "outputData": {"v": 1}})
            while not any(e["kind"] == "workflow" and e["payload"]["status"] == "COMPLETED" for e in seen):
                seen.append(await _recv(ws))
        first_id = seen[0]["id"]
        async with websockets.connect(url + f"&after={first_id}", origin=pg_stack.url) as ws:
            replay = [await _recv(ws) for _ in range(len(seen) - 1)]
        assert [e["id"] for e in replay] == [e["id"] for e in seen[1:]]
        return seen

    events = asyncio.run(scenario())
    kinds = [(e["kind"], e["payload"]["status"]) for e in events]
    assert ("task", "COMPLETED") in kinds and kinds[-1] == ("workflow", "COMPLETED")
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)


def test_stream_refuses_unauthenticated_and_foreign_origin_clients(pg_stack, api):  # type: ignore[no-untyped-def]
    api.post("/metadata/workflow", params={"overwrite": "true"}, json=DOC)
    wf_id = api.post("/workflow", json={"name": "it_ws"}).text
    base = pg_stack.url.replace("http", "ws") + f"/ws/workflows/{wf_id}/"

    async def rejected(url: str, origin: str) -> bool:
        try:
            async with websockets.connect(url, origin=origin) as ws:
                await asyncio.wait_for(ws.recv(), 5)
        except (websockets.exceptions.InvalidStatus, websockets.exceptions.ConnectionClosed):
            return True
        return False

    assert asyncio.run(rejected(base, pg_stack.url))
    assert asyncio.run(rejected(base + "?token=not-a-token", pg_stack.url))
    assert asyncio.run(rejected(base + f"?token={pg_stack.token()}", "http://evil.example"))


def test_an_idle_stream_stays_open_past_the_redis_read_timeout(pg_stack, api):  # type: ignore[no-untyped-def]
    # redis-py 8 reads with a 5 s timeout by default, as long as channels_redis's blocking pop:
    # without a longer read timeout on the layer, an idle consumer died every ~5 s (close 1011).
    # its own task type: the other tests here leave it_ws runs waiting in it_ws_t's queue
    doc = {"name": "it_ws_idle", "version": 1, "tasks": [{"name": "it_ws_idle_t", "taskReferenceName": "t"}]}
    api.post("/metadata/workflow", params={"overwrite": "true"}, json=doc)
    wf_id = api.post("/workflow", json={"name": "it_ws_idle"}).text
    url = pg_stack.url.replace("http", "ws") + f"/ws/workflows/{wf_id}/?token={pg_stack.token()}"

    async def scenario() -> tuple[bool, list[dict]]:
        async with websockets.connect(url, origin=pg_stack.url) as ws:
            assert (await _recv(ws))["type"] == "snapshot"
            try:  # nothing happens to the run for 8 s: the socket must neither speak nor close
                extra = await asyncio.wait_for(ws.recv(), 8.0)
                raise AssertionError(f"an idle stream sent {extra!r}")
            except TimeoutError:
                pass
            task = api.get("/tasks/poll/batch/it_ws_idle_t", params={"count": 1, "timeout": 1000}).json()[0]
            api.post("/tasks", json={"taskId": task["taskId"], "status": "COMPLETED", "outputData": {}})
            seen = []
            while not any(e["kind"] == "workflow" for e in seen):
                seen.append(await _recv(ws))
            return ws.close_code is None, seen

    still_open, events = asyncio.run(scenario())
    assert still_open and events[-1]["payload"]["status"] == "COMPLETED"
