"""conductor-python's event handler API (EventClient's EventResourceApi, v2.0.0) against a live Baton:
register, read back as the SDK's models, update, list by event, delete — and a handler
registered through the SDK firing on a RabbitMQ message."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.live import Stack, wait_for

pytestmark = pytest.mark.sdk


@pytest.fixture(scope="module")
def events(pg_stack: Stack) -> Iterator[Any]:
    from conductor.client.configuration.configuration import Configuration
    from conductor.client.event.event_client import EventClient
    from conductor.client.http.api_client import ApiClient

    saved = {k: os.environ.get(k) for k in ("CONDUCTOR_SERVER_URL", "CONDUCTOR_AUTH_KEY", "CONDUCTOR_AUTH_SECRET")}
    os.environ.update({k: v for k, v in pg_stack.sdk_env().items() if k.startswith("CONDUCTOR_")})
    # EventClient wraps EventResourceApi; its handler calls are the resource's own (`.client`).
    yield EventClient(ApiClient(Configuration())).client
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _handler(name: str, queue: str, target: str, active: bool = True) -> Any:
    from conductor.client.http.models.action import Action
    from conductor.client.http.models.event_handler import EventHandler
    from conductor.client.http.models.start_workflow import StartWorkflow

    start = StartWorkflow(name=target, version=1, input={"sku": "${sku}"}, correlation_id="${sku}")
    return EventHandler(name=name, event=f"amqp:{queue}", condition="$.sku != null", evaluator_type="javascript",
                        actions=[Action(action="start_workflow", start_workflow=start)], active=active)


def test_register_get_update_delete_through_the_sdk(events: Any, pg_stack: Stack) -> None:
    from conductor.client.http.rest import ApiException

    tag = uuid.uuid4().hex[:8]
    name, queue, target = f"sdk_h_{tag}", f"sdk-q-{tag}", f"sdk_target_{tag}"
    with pg_stack.client() as api:
        api.post("/metadata/workflow", json={"name": target, "version": 1, "tasks": [
            {"name": "n", "taskReferenceName": "n", "type": "NOOP"}]})
    events.add_event_handler(_handler(name, queue, target, active=False))
    [got] = [h for h in events.get_event_handlers() if h.name == name]
    assert (got.event, got.condition, got.evaluator_type, got.active) == (f"amqp:{queue}", "$.sku != null",
                                                                          "javascript", False)
    action = got.actions[0]
    assert action.action == "start_workflow" and action.start_workflow.name == target
    assert action.start_workflow.input == {"sku": "${sku}"} and action.start_workflow.correlation_id == "${sku}"
    assert events.get_event_handlers_for_event(f"amqp:{queue}") == []  # activeOnly defaults to true
    assert [h.name for h in events.get_event_handlers_for_event(f"amqp:{queue}", active_only=False)] == [name]
    with pytest.raises(ApiException) as taken:
        events.add_event_handler(_handler(name, queue, target))
    assert taken.value.status == 409

    events.update_event_handler(_handler(name, queue, target, active=True))
    assert [h.name for h in events.get_event_handlers_for_event(f"amqp:{queue}")] == [name]
    _publish(queue, {"sku": f"sku-{tag}"})
    with pg_stack.client() as api:
        runs: list[Any] = []
        deadline = time.monotonic() + 20
        while not runs and time.monotonic() < deadline:
            runs = api.get(f"/workflow/{target}/correlated/sku-{tag}", params={"includeClosed": "true"}).json()
            time.sleep(0.1)
        assert len(runs) == 1
        assert wait_for(api, runs[0]["workflowId"])["input"]["sku"] == f"sku-{tag}"

    events.remove_event_handler_status(name)
    assert [h for h in events.get_event_handlers() if h.name == name] == []
    with pytest.raises(ApiException) as gone:
        events.remove_event_handler_status(name)
    assert gone.value.status == 404
    _delete_queue(queue)


def _publish(queue: str, body: dict[str, Any]) -> None:
    from kombu import Connection, Exchange, Queue

    with Connection(os.environ.get("BATON_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")) as conn:
        target = Queue(queue, Exchange(""), routing_key=queue, durable=True)
        conn.Producer().publish(body, serializer="json", exchange=target.exchange, routing_key=queue,
                                declare=[target], message_id=str(uuid.uuid4()))


def _delete_queue(queue: str) -> None:
    from kombu import Connection, Queue

    with Connection(os.environ.get("BATON_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")) as conn:
        Queue(queue)(conn.default_channel).delete()
