"""The execution stream: a snapshot on connect, the events after it, and a resume that misses nothing.

The real ASGI application (origin check, auth middleware, router, consumer) through Channels'
communicator, on the in-process channel layer; the workflow is driven through the HTTP API.
The event log is the reference: what a client receives must be exactly its rows, in order.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import AsyncClient

from executions.models import ExecutionEvent
from orchestrator.models import ApiApplication
from orchestrator.services import access

pytestmark = [pytest.mark.db_tier, pytest.mark.django_db(transaction=True)]

DOC = {"name": "db_stream", "version": 1, "tasks": [
    {"name": "db_stream_a", "taskReferenceName": "a", "type": "SIMPLE"},
    {"name": "db_stream_b", "taskReferenceName": "b", "type": "SIMPLE"},
]}
ORIGIN = (b"origin", b"http://localhost")
WAIT = 5.0  # seconds; the doorbell is immediate here, the fallback poll of the log takes 1 s


@database_sync_to_async
def _log_after(workflow_id: str, after: int) -> list[int]:
    return list(ExecutionEvent.objects.filter(workflow_id=workflow_id, id__gt=after)
                .order_by("id").values_list("id", flat=True))


@database_sync_to_async
def _token() -> str:
    app, secret = access.create_application("stream", ApiApplication.ROLE_ADMIN)
    return access.issue_token(app.key_id, secret)


class Api:
    def __init__(self, token: str) -> None:
        self.client = AsyncClient()
        self.headers = {"X-Authorization": token}

    async def call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        data = json.dumps(body) if body is not None else ""
        query = "&".join(f"{k}={v}" for k, v in params.items())
        response = await self.client.generic(method, f"/api/{path}?{query}", data, content_type="application/json",
                                             headers=self.headers)
        assert response.status_code in (200, 204), (path, response.status_code, response.content)
        return response.json() if response.get("Content-Type") == "application/json" else response.content.decode()

    async def complete(self, task_type: str) -> None:
        [task] = await self.call("GET", f"tasks/poll/batch/{task_type}", count=1, timeout=1000)
        await self.call("POST", "tasks", {"taskId": task["taskId"], "status": "COMPLETED",
                                          "workflowInstanceId": task["workflowInstanceId"], "outputData": {}})


async def _events(ws: WebsocketCommunicator, count: int) -> list[dict[str, Any]]:
    return [await ws.receive_json_from(timeout=WAIT) for _ in range(count)]


def test_snapshot_then_events_and_a_resume_gets_exactly_the_missed_events() -> None:
    from orchestrator.asgi import application

    async def scenario() -> None:
        token = await _token()
        api = Api(token)
        await api.call("POST", "metadata/workflow", DOC, overwrite="true")
        wf_id = await api.call("POST", "workflow", {"name": "db_stream"})
        url = f"/ws/workflows/{wf_id}/?token={token}"

        ws = WebsocketCommunicator(application, url, headers=[ORIGIN])
        assert (await ws.connect(timeout=WAIT))[0]
        snapshot = await ws.receive_json_from(timeout=WAIT)
        assert snapshot["type"] == "snapshot" and snapshot["workflow"]["workflowId"] == wf_id
        assert snapshot["workflow"]["status"] == "RUNNING"
        before = await _log_after(wf_id, 0)
        assert before and snapshot["lastEventId"] == before[-1]  # the snapshot covers the log so far

        await api.complete("db_stream_a")
        live = await _log_after(wf_id, snapshot["lastEventId"])
        received = await _events(ws, len(live))
        assert [e["id"] for e in received] == live and {e["type"] for e in received} == {"event"}
        assert await ws.receive_nothing(timeout=1.5)  # nothing twice, doorbell or poll
        await ws.disconnect()

        # While nobody listens the workflow finishes; the client comes back from its last id.
        last_seen = received[-1]["id"]
        await api.complete("db_stream_b")
        missed = await _log_after(wf_id, last_seen)
        assert missed, "completing b should have logged events"
        ws = WebsocketCommunicator(application, f"{url}&after={last_seen}", headers=[ORIGIN])
        assert (await ws.connect(timeout=WAIT))[0]
        resumed = await _events(ws, len(missed))
        assert [e["id"] for e in resumed] == missed  # no gap, no duplicate, no snapshot
        assert resumed[-1]["kind"] == "workflow" and resumed[-1]["payload"]["status"] == "COMPLETED"
        assert await ws.receive_nothing(timeout=1.5)
        await ws.disconnect()

    async_to_sync(scenario)()


@pytest.mark.parametrize(("role", "origin", "outcome"), [
    (ApiApplication.ROLE_ADMIN, ORIGIN, True),
    (ApiApplication.ROLE_WORKER, ORIGIN, (False, 4403)),  # the stream carries input and output
    (ApiApplication.ROLE_ADMIN, (b"origin", b"http://evil.example"), (False, 1000)),  # cross-site
])
def test_who_may_open_the_stream_of_a_running_workflow(role: str, origin: tuple[bytes, bytes], outcome: Any) -> None:
    from orchestrator.asgi import application

    async def scenario() -> tuple[bool, Any]:
        api = Api(await _token())
        await api.call("POST", "metadata/workflow", DOC, overwrite="true")
        wf_id = await api.call("POST", "workflow", {"name": "db_stream"})
        app, secret = await database_sync_to_async(access.create_application)("caller", role)
        token = await database_sync_to_async(access.issue_token)(app.key_id, secret)
        ws = WebsocketCommunicator(application, f"/ws/workflows/{wf_id}/?token={token}", headers=[origin])
        try:
            return await ws.connect(timeout=WAIT)
        finally:
            await ws.disconnect()

    connected = async_to_sync(scenario)()
    assert (connected[0] if outcome is True else connected) == outcome


def test_an_event_that_commits_after_a_newer_one_still_arrives() -> None:
    """A claim records its event without the workflow lock, so an event can commit after one
    with a higher id that the stream already sent: the stream must still deliver it."""
    import threading

    from django.db import connection, transaction
    from django.utils import timezone

    from orchestrator.asgi import application

    inserted, release, committed = threading.Event(), threading.Event(), threading.Event()
    held: dict[str, int] = {}

    def slow_writer(workflow_id: str) -> None:
        try:
            with transaction.atomic():
                row = ExecutionEvent.objects.create(workflow_id=workflow_id, task_id="t-late", kind="task",
                                                    payload={"status": "IN_PROGRESS"}, created=timezone.now())
                held["id"] = row.id
                inserted.set()
                release.wait(timeout=30)
        finally:
            connection.close()
            committed.set()

    async def scenario() -> None:
        token = await _token()
        api = Api(token)
        await api.call("POST", "metadata/workflow", DOC, overwrite="true")
        wf_id = await api.call("POST", "workflow", {"name": "db_stream"})
        ws = WebsocketCommunicator(application, f"/ws/workflows/{wf_id}/?token={token}", headers=[ORIGIN])
        assert (await ws.connect(timeout=WAIT))[0]
        assert (await ws.receive_json_from(timeout=WAIT))["type"] == "snapshot"

        writer = threading.Thread(target=slow_writer, args=(wf_id,))
        writer.start()
        assert await database_sync_to_async(inserted.wait)(10)
        newer = await database_sync_to_async(ExecutionEvent.objects.create)(
            workflow_id=wf_id, task_id="t-new", kind="task", payload={"status": "COMPLETED"}, created=timezone.now())
        assert newer.id > held["id"]
        first = await ws.receive_json_from(timeout=WAIT)  # the fallback poll finds the committed one
        assert first["id"] == newer.id
        release.set()
        assert await database_sync_to_async(committed.wait)(10)
        late = await ws.receive_json_from(timeout=WAIT)
        assert late["id"] == held["id"] and late["taskId"] == "t-late"
        assert await ws.receive_nothing(timeout=1.5)  # and neither is sent twice
        await ws.disconnect()
        writer.join(timeout=10)

    async_to_sync(scenario)()
