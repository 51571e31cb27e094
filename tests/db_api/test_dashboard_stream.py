"""/ws/dashboard/: open run lists hear that executions changed, from the doorbell or the poll.

The real ASGI application through Channels' communicator on the in-process layer. A start through
the HTTP API rings the doorbell (same process); an event row written by "another process" (the
Celery worker of the embedded default, which shares no layer) reaches viewers through the one
poll of the log per process.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import AsyncClient
from django.utils import timezone

from executions import dashboard_stream
from executions.models import ExecutionEvent
from orchestrator.models import ApiApplication
from orchestrator.services import access, definitions

pytestmark = [
    pytest.mark.db_tier, pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),  # WhiteNoise: no collectstatic here
]

DOC = {"name": "db_dash_stream", "version": 1, "tasks": [
    {"name": "db_dash_stream_a", "taskReferenceName": "a", "type": "SIMPLE"}]}
ORIGIN = (b"origin", b"http://localhost")


@database_sync_to_async
def _token(role: str) -> str:
    app, secret = access.create_application("dash-" + role, role)
    return access.issue_token(app.key_id, secret)


async def _connect(token: str) -> tuple[WebsocketCommunicator, bool, object]:
    from orchestrator.asgi import application

    communicator = WebsocketCommunicator(application, f"/ws/dashboard/?token={token}", headers=[ORIGIN])
    accepted, code = await communicator.connect(timeout=5)
    return communicator, accepted, code


async def _changed(communicator: WebsocketCommunicator, wanted: str, timeout: float = 5.0) -> list[str]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_running_loop().time()
        assert left > 0, f"no 'changed' naming {wanted}"
        message = await communicator.receive_json_from(timeout=left)
        assert message["type"] == "changed"
        if wanted in message["workflowIds"]:
            return list(message["workflowIds"])


async def _start_reaches_open_lists_and_roles_are_checked() -> None:
    await database_sync_to_async(definitions.save_workflow_def)(DOC, overwrite=True)
    token = await _token(ApiApplication.ROLE_ADMIN)
    viewer, accepted, _ = await _connect(token)
    assert accepted
    response = await AsyncClient().post("/api/workflow", json.dumps({"name": "db_dash_stream"}),
                                        content_type="application/json", headers={"X-Authorization": token})
    assert response.status_code == 200
    workflow_id = response.content.decode().strip('"')
    assert workflow_id in await _changed(viewer, workflow_id)
    await viewer.disconnect()

    worker, accepted, code = await _connect(await _token(ApiApplication.ROLE_WORKER))
    assert (accepted, code) == (False, 4403)
    anonymous, accepted, code = await _connect("not-a-token")
    assert (accepted, code) == (False, 4401)


async def _event_from_another_process_arrives_through_the_one_poll() -> None:
    token = await _token(ApiApplication.ROLE_ADMIN)
    first, accepted, _ = await _connect(token)
    second, accepted_too, _ = await _connect(token)
    assert accepted and accepted_too
    assert dashboard_stream.POLLER.viewers == 2
    poller = dashboard_stream.POLLER.task
    await asyncio.sleep(0.3)  # the poller has read the log's newest id
    # An event row committed elsewhere: no doorbell rings in this process.
    await database_sync_to_async(ExecutionEvent.objects.create)(
        workflow_id="elsewhere-1", kind="workflow", payload={"status": "RUNNING"}, created=timezone.now())
    assert "elsewhere-1" in await _changed(first, "elsewhere-1")
    assert "elsewhere-1" in await _changed(second, "elsewhere-1")
    assert dashboard_stream.POLLER.task is poller  # one poll for both viewers
    await first.disconnect()
    await second.disconnect()
    assert dashboard_stream.POLLER.viewers == 0


def test_a_start_reaches_open_lists_and_roles_are_checked() -> None:
    async_to_sync(_start_reaches_open_lists_and_roles_are_checked)()


def test_an_event_from_another_process_arrives_through_the_one_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dashboard_stream, "POLL_SECONDS", 0.2)
    async_to_sync(_event_from_another_process_arrives_through_the_one_poll)()


def test_run_streams_read_the_log_every_second_only_without_a_shared_layer() -> None:
    from channels.layers import InMemoryChannelLayer
    from channels_redis.core import RedisChannelLayer

    from executions import consumers

    assert consumers.poll_interval(InMemoryChannelLayer()) == consumers.POLL_SECONDS == 1.0
    # Constructing the Redis layer does not connect; the doorbell reaches every process through it.
    assert consumers.poll_interval(RedisChannelLayer(hosts=["redis://127.0.0.1:6379/15"])) == 15.0
