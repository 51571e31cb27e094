"""Event handlers on a live stack: messages a producer publishes to RabbitMQ, consumed by the
Celery worker's event consumers, and what they start, complete or leave alone.

The producer here is plain kombu against RabbitMQ (BATON_AMQP_URL, default 127.0.0.1:5672), as an
outside service would be; it declares the queue itself, so nothing is lost before Baton's
consumer subscribes to it.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from kombu import Connection, Exchange, Queue

from tests.live import wait_for

pytestmark = pytest.mark.integration

AMQP_URL = os.environ.get("BATON_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")


@pytest.fixture()
def queue() -> Iterator[str]:
    name = f"baton-it-{uuid.uuid4().hex[:10]}"
    yield name
    with Connection(AMQP_URL) as conn:
        Queue(name)(conn.default_channel).delete()


def publish(queue: str, body: Any, message_id: str | None = None) -> None:
    with Connection(AMQP_URL) as conn:
        target = Queue(queue, Exchange(""), routing_key=queue, durable=True)
        conn.Producer().publish(body, serializer="json", exchange=target.exchange, routing_key=queue,
                                declare=[target], message_id=message_id or str(uuid.uuid4()), delivery_mode=2)


def correlated(api: httpx.Client, name: str, correlation_id: str) -> list[dict[str, Any]]:
    r = api.get(f"/workflow/{name}/correlated/{correlation_id}", params={"includeClosed": "true"})
    assert r.status_code == 200, r.text
    return list(r.json())


def eventually(fn, timeout: float = 20.0) -> Any:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def register(api: httpx.Client, doc: dict[str, Any]) -> None:
    assert api.post("/metadata/workflow", json=doc, params={"overwrite": "true"}).status_code == 200


@pytest.fixture()
def target(api: httpx.Client) -> str:
    name = f"ev_it_{uuid.uuid4().hex[:6]}"
    register(api, {"name": name, "version": 1, "tasks": [{"name": "n", "taskReferenceName": "n", "type": "NOOP"}]})
    return name


def test_a_message_starts_the_workflow_false_conditions_and_repeats_do_nothing(api, target, queue) -> None:  # type: ignore[no-untyped-def]
    handler = {"name": f"h_{queue}", "event": f"amqp:{queue}", "active": True,
               "condition": "$.kind === 'order'",
               "actions": [{"action": "start_workflow", "start_workflow": {
                   "name": target, "input": {"orderId": "${order.id}", "lines": "${order.lines}"},
                   "correlationId": "${order.id}"}}]}
    assert api.post("/event", json=handler).status_code == 200
    publish(queue, {"kind": "refund", "order": {"id": "skip-me"}}, "m-false")
    publish(queue, {"kind": "order", "order": {"id": "o-1", "lines": [1, 2]}}, "m-1")
    publish(queue, {"kind": "order", "order": {"id": "o-1", "lines": [1, 2]}}, "m-1")  # redelivered id
    publish(queue, {"kind": "order", "order": {"id": "o-2", "lines": []}}, "m-2")
    # One consumer takes a queue in order: once o-2 started, the earlier messages were handled.
    runs = eventually(lambda: correlated(api, target, "o-2"))
    assert len(runs) == 1, runs
    [first] = correlated(api, target, "o-1")  # the repeat of m-1 started nothing
    done = wait_for(api, first["workflowId"])
    assert done["status"] == "COMPLETED"
    assert done["input"]["orderId"] == "o-1" and done["input"]["lines"] == [1, 2]
    assert done["input"]["conductor.event.messageId"] == "m-1"
    assert correlated(api, target, "skip-me") == []


def test_a_complete_task_event_completes_a_waiting_task(api, queue) -> None:  # type: ignore[no-untyped-def]
    name = f"ev_wait_{uuid.uuid4().hex[:6]}"
    register(api, {"name": name, "version": 1, "tasks": [
        {"name": "hold", "taskReferenceName": "hold", "type": "WAIT"},
        {"name": "after", "taskReferenceName": "after", "type": "NOOP"}]})
    handler = {"name": f"h_{queue}", "event": f"amqp:{queue}", "active": True, "actions": [
        {"action": "complete_task", "complete_task": {
            "workflowId": "${workflowId}", "taskRefName": "hold", "output": {"approvedBy": "${by}"}}}]}
    assert api.post("/event", json=handler).status_code == 200
    wf_id = api.post("/workflow", json={"name": name}).text
    assert wait_for(api, wf_id, timeout=10, until=("RUNNING",))["status"] == "RUNNING"
    publish(queue, {"workflowId": wf_id, "by": "grace"})
    wf = wait_for(api, wf_id)
    assert wf["status"] == "COMPLETED", wf
    hold = next(t for t in wf["tasks"] if t["referenceTaskName"] == "hold")
    assert hold["status"] == "COMPLETED" and hold["outputData"]["approvedBy"] == "grace"


@pytest.fixture(params=["postgres", "embedded"])
def any_api(request) -> Iterator[httpx.Client]:  # type: ignore[no-untyped-def]
    """Both deployments: Redis as Baton's broker, and the embedded filesystem broker."""
    stack = request.getfixturevalue("pg_stack" if request.param == "postgres" else "embedded_stack")
    with stack.client() as client:
        yield client


def test_an_event_task_on_baton_s_own_broker_triggers_a_handler(any_api) -> None:  # type: ignore[no-untyped-def]
    api = any_api
    target = f"ev_it_{uuid.uuid4().hex[:6]}"
    register(api, {"name": target, "version": 1, "tasks": [{"name": "n", "taskReferenceName": "n", "type": "NOOP"}]})
    emitter = f"ev_emit_{uuid.uuid4().hex[:6]}"
    register(api, {"name": emitter, "version": 1, "tasks": [
        {"name": "emit", "taskReferenceName": "emit", "type": "EVENT", "sink": "conductor",
         "inputParameters": {"ref": "${workflow.input.ref}"}}]})
    handler = {"name": f"h_{emitter}", "event": f"conductor:{emitter}:emit", "active": True, "actions": [
        {"action": "start_workflow", "start_workflow": {"name": target, "input": {"from": "${workflowInstanceId}"},
                                                       "correlationId": "${ref}"}}]}
    assert api.post("/event", json=handler).status_code == 200
    # No wait for the consumer to subscribe: the EVENT task declares its queue when it publishes.
    source = api.post("/workflow", json={"name": emitter, "input": {"ref": f"r-{emitter}"}}).text
    assert wait_for(api, source)["status"] == "COMPLETED"
    [run] = eventually(lambda: correlated(api, target, f"r-{emitter}"))
    assert wait_for(api, run["workflowId"])["input"]["from"] == source
