"""`manage.py serve` with several web processes: one port, every process serving it, websockets too.

Each Daphne adopts the socket the supervisor bound. To show that each one really serves the
port (and not merely exists), all but one are stopped with SIGSTOP in turn: fresh connections
must still be answered, HTTP and websocket alike, by the one left running.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
from collections.abc import Iterator

import httpx
import pytest
import websockets

from tests.live import Stack

pytestmark = pytest.mark.integration

DOC = {"name": "it_webp", "version": 1, "tasks": [{"name": "it_webp_t", "taskReferenceName": "t"}]}


def _children(pid: int) -> list[int]:
    found = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/children") as f:
            found += [int(x) for x in f.read().split()]
    return found


def _daphnes(stack: Stack) -> list[int]:
    assert stack.proc is not None
    pids = []
    for pid in _children(stack.proc.pid):
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            if b"daphne" in f.read():
                pids.append(pid)
    return sorted(pids)


@pytest.fixture(scope="module")
def two_web(request: pytest.FixtureRequest) -> Iterator[Stack]:
    stack = Stack("postgres", extra_env={"BATON_WEB_PROCESSES": "2"}).start()
    yield stack
    stack.stop()


def _fresh_round_trip(stack: Stack, workflow_id: str) -> tuple[int, str]:
    """A new connection (no keep-alive reuse) for a GET, then a websocket's first message."""
    with httpx.Client(base_url=stack.url + "/api", headers={"X-Authorization": stack.token()}, timeout=10) as c:
        status = c.get(f"/workflow/{workflow_id}").status_code
    url = stack.url.replace("http", "ws") + f"/ws/workflows/{workflow_id}/?token={stack.token()}"

    async def first_message() -> str:
        async with websockets.connect(url, origin=stack.url) as ws:
            return str(json.loads(await asyncio.wait_for(ws.recv(), 10))["type"])

    return status, asyncio.run(first_message())


def test_every_web_process_serves_the_one_port_http_and_websockets(two_web: Stack) -> None:
    daphnes = _daphnes(two_web)
    assert len(daphnes) == 2, daphnes
    with two_web.client() as api:
        api.post("/metadata/workflow", params={"overwrite": "true"}, json=DOC).raise_for_status()
        workflow_id = api.post("/workflow", json={"name": "it_webp"}).text
    for paused in daphnes:
        os.kill(paused, signal.SIGSTOP)
        try:
            assert _fresh_round_trip(two_web, workflow_id) == (200, "snapshot")
        finally:
            os.kill(paused, signal.SIGCONT)


def test_a_worker_hop_works_across_processes(two_web: Stack) -> None:
    """Poll on one connection and complete on another: the processes share only the database."""
    with two_web.client() as api:
        doc = {**DOC, "name": "it_webp_hop", "tasks": [{"name": "it_webp_hop_t", "taskReferenceName": "t"}]}
        api.post("/metadata/workflow", params={"overwrite": "true"}, json=doc).raise_for_status()
        workflow_id = api.post("/workflow", json={"name": "it_webp_hop"}).text
        task = api.get("/tasks/poll/batch/it_webp_hop_t", params={"count": 1, "timeout": 2000}).json()[0]
        assert task["workflowInstanceId"] == workflow_id
    with two_web.client() as other:
        done = other.post("/tasks", json={"taskId": task["taskId"], "status": "COMPLETED", "workerId": "w"})
        assert done.status_code == 200, done.text
        assert other.get(f"/workflow/{workflow_id}").json()["status"] == "COMPLETED"
