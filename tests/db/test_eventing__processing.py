"""Event handlers on real brokers: messages published to RabbitMQ (and Baton's own broker) through
kombu, consumed here by the consumer's own message handler, and what their actions did.

RabbitMQ must run on 127.0.0.1:5672 (BATON_AMQP_URL), as in CI. Each test uses queues of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from executions.models import Task, Workflow
from orchestrator.eventing import consumers, handlers, processor, sinks
from orchestrator.eventing.models import DeadLetter, EventExecution
from orchestrator.services import system_tasks

pytestmark = [pytest.mark.db_tier, pytest.mark.django_db]

TARGET = {"name": "ev_target", "version": 1, "tasks": [{"name": "ev_t", "taskReferenceName": "t"}]}
WAITING = {"name": "ev_waiting", "version": 1, "tasks": [{"name": "w", "taskReferenceName": "w", "type": "WAIT"}]}


@pytest.fixture()
def queue_name() -> Iterator[str]:
    name = f"baton-test-{uuid.uuid4().hex[:10]}"
    yield name
    for kind in sinks.KINDS:
        with sinks.connection(kind) as conn:
            try:
                sinks.queue(kind, name)(conn.default_channel).delete()
            except Exception:  # noqa: BLE001 - the queue was never declared on this broker
                pass


def drain(kind: str, name: str, count: int = 1, timeout: float = 5.0) -> list[list[processor.Handled] | None]:
    """Receive `count` messages of `<kind>:<name>` and give each to the consumer's handler."""
    results: list[list[processor.Handled] | None] = []
    with sinks.connection(kind) as conn:
        with conn.Consumer([sinks.queue(kind, name)], prefetch_count=1,
                           on_message=lambda m: results.append(consumers.handle_message(kind, name, m))):
            while len(results) < count:
                conn.drain_events(timeout=timeout)
    return results


def pending(kind: str, name: str) -> int:
    with sinks.connection(kind) as conn:
        return int(sinks.queue(kind, name)(conn.default_channel).queue_declare(passive=True).message_count)


def add_handler(event: str, *actions: dict[str, Any], condition: str = "", name: str | None = None) -> None:
    handlers.add({"name": name or f"h_{uuid.uuid4().hex[:8]}", "event": event, "condition": condition,
                  "active": True, "actions": list(actions)})


def start_action(**extra: Any) -> dict[str, Any]:
    return {"action": "start_workflow", "start_workflow": {
        "name": "ev_target", "input": {"order": "${order.id}", "who": "${customer}"}, "correlationId": "${order.id}",
        **extra}}


def test_a_rabbitmq_message_starts_the_mapped_workflow_with_the_payload_wired(start, queue_name) -> None:  # type: ignore[no-untyped-def]
    start(TARGET)
    add_handler(f"amqp:{queue_name}", start_action())
    sinks.publish("amqp", queue_name, {"order": {"id": "o-7"}, "customer": "ada"}, message_id="m-1")
    [handled] = drain("amqp", queue_name)
    assert handled is not None and handled[0].status == "COMPLETED"
    wf = Workflow.objects.get(pk=handled[0].output[0]["workflowId"])
    assert wf.name == "ev_target" and wf.correlation_id == "o-7"
    assert wf.input == {"order": "o-7", "who": "ada", "conductor.event.messageId": "m-1",
                        "conductor.event.name": f"amqp:{queue_name}"}
    assert Task.objects.filter(workflow_id=wf.id, ref="t", status="SCHEDULED").exists()
    assert pending("amqp", queue_name) == 0  # acknowledged


def test_a_redelivered_message_id_does_nothing_twice(start, queue_name) -> None:  # type: ignore[no-untyped-def]
    start(TARGET)
    add_handler(f"amqp:{queue_name}", start_action())
    before = Workflow.objects.filter(name="ev_target").count()
    # The first delivery is processed, then the consumer "dies" before its ack: RabbitMQ
    # redelivers when the connection goes; the second consumer finds the execution row.
    sinks.publish("amqp", queue_name, {"order": {"id": "o-8"}}, message_id="m-dup")
    with sinks.connection("amqp") as conn:
        got: list[Any] = []
        with conn.Consumer([sinks.queue("amqp", queue_name)], prefetch_count=1, on_message=got.append):
            conn.drain_events(timeout=5)
        processor.process(consumers_message(queue_name, got[0]))
    [again] = drain("amqp", queue_name)
    assert again is not None and again[0].status is None
    # The same id published again (a producer's retry) is also one start.
    sinks.publish("amqp", queue_name, {"order": {"id": "o-8"}}, message_id="m-dup")
    [third] = drain("amqp", queue_name)
    assert third is not None and third[0].status is None
    assert Workflow.objects.filter(name="ev_target").count() == before + 1
    assert EventExecution.objects.filter(message_id="m-dup").count() == 1
    assert pending("amqp", queue_name) == 0


def consumers_message(name: str, message: Any) -> Any:
    from orchestrator.eventing.actions import Message

    return Message(f"amqp:{name}", message.properties["message_id"], processor.decode(message.body))


def test_a_false_condition_does_nothing_but_say_so(start, queue_name) -> None:  # type: ignore[no-untyped-def]
    start(TARGET)
    add_handler(f"amqp:{queue_name}", start_action(), condition="$.order.total > 100", name="big_orders")
    before = Workflow.objects.count()
    sinks.publish("amqp", queue_name, {"order": {"id": "o-9", "total": 5}}, message_id="m-small")
    sinks.publish("amqp", queue_name, {"order": {"id": "o-10", "total": 500}}, message_id="m-big")
    small, big = drain("amqp", queue_name, 2)
    assert small is not None and small[0].status == "SKIPPED"
    assert big is not None and big[0].status == "COMPLETED"
    assert Workflow.objects.count() == before + 1
    assert EventExecution.objects.get(message_id="m-small").status == "SKIPPED"


def test_complete_task_completes_a_waiting_task(start, queue_name) -> None:  # type: ignore[no-untyped-def]
    wf_id = start(WAITING)
    add_handler(f"amqp:{queue_name}", {"action": "complete_task", "complete_task": {
        "workflowId": "${workflowId}", "taskRefName": "w", "output": {"approvedBy": "${by}"}}})
    sinks.publish("amqp", queue_name, {"workflowId": wf_id, "by": "grace"}, message_id="m-done")
    [handled] = drain("amqp", queue_name)
    assert handled is not None and handled[0].status == "COMPLETED"
    task = Task.objects.get(workflow_id=wf_id, ref="w")
    assert task.status == "COMPLETED"
    assert task.output["approvedBy"] == "grace" and task.output["conductor.event.messageId"] == "m-done"
    assert Workflow.objects.get(pk=wf_id).status == "COMPLETED"


def test_fail_task_by_task_id(start, queue_name) -> None:  # type: ignore[no-untyped-def]
    wf_id = start(WAITING)
    task_id = Task.objects.get(workflow_id=wf_id, ref="w").id
    add_handler(f"amqp:{queue_name}", {"action": "fail_task", "fail_task": {"taskId": "${t}"}})
    sinks.publish("amqp", queue_name, {"t": task_id})
    [handled] = drain("amqp", queue_name)
    assert handled is not None and handled[0].status == "COMPLETED"
    assert Task.objects.get(pk=task_id).status == "FAILED"
    assert Workflow.objects.get(pk=wf_id).status == "FAILED"


def test_a_failing_action_is_dead_lettered_and_the_message_acked(start, queue_name) -> None:  # type: ignore[no-untyped-def]
    start(TARGET)
    add_handler(f"amqp:{queue_name}",
                {"action": "start_workflow", "start_workflow": {"name": "no_such_workflow"}},
                start_action(),
                {"action": "complete_task", "complete_task": {"workflowId": "nope", "taskRefName": "w"}},
                name="half_broken")
    sinks.publish("amqp", queue_name, {"order": {"id": "o-11"}}, message_id="m-bad")
    [handled] = drain("amqp", queue_name)
    assert handled is not None and handled[0].status == "FAILED"
    letters = DeadLetter.objects.filter(message_id="m-bad").order_by("action_index")
    assert [(d.handler_name, d.action_index, d.action) for d in letters] == [
        ("half_broken", 0, "start_workflow"), ("half_broken", 2, "complete_task")]
    assert "no_such_workflow" in letters[0].error and letters[0].payload == {"order": {"id": "o-11"}}
    # The action between the failing ones still ran, and nothing is redelivered.
    assert Workflow.objects.filter(correlation_id="o-11").count() == 1
    assert pending("amqp", queue_name) == 0


def test_a_condition_that_throws_is_dead_lettered(start, queue_name) -> None:  # type: ignore[no-untyped-def]
    add_handler(f"amqp:{queue_name}", start_action(), condition="$.order.missing.deeper", name="throws")
    sinks.publish("amqp", queue_name, {"order": {"id": "o-12"}}, message_id="m-throw")
    [handled] = drain("amqp", queue_name)
    assert handled is not None and handled[0].status == "FAILED"
    assert DeadLetter.objects.get(message_id="m-throw").action == "condition"


def test_a_body_that_is_not_json_reaches_the_condition_as_text(queue_name) -> None:  # type: ignore[no-untyped-def]
    add_handler(f"amqp:{queue_name}", start_action(), condition="$.payload == 'ping'", name="texty")
    with sinks.connection("amqp") as conn:
        producer = conn.Producer()
        target = sinks.queue("amqp", queue_name)
        producer.publish(b"pong", exchange=target.exchange, routing_key=target.routing_key, declare=[target],
                         content_type="text/plain", content_encoding="utf-8")
    [handled] = drain("amqp", queue_name)
    assert handled is not None and handled[0].status == "SKIPPED"  # 'pong' is not 'ping'; no message id needed


@pytest.mark.parametrize("kind", ["amqp", "conductor"])
def test_an_event_task_publishes_a_message_that_a_handler_consumes(start, queue_name, kind) -> None:  # type: ignore[no-untyped-def]
    start(TARGET)
    add_handler(f"{kind}:{queue_name}", {"action": "start_workflow", "start_workflow": {
        "name": "ev_target", "input": {"from": "${workflowInstanceId}", "k": "${k}"}}})
    emitter = start({"name": "ev_emit", "version": 1, "tasks": [
        {"name": "e", "taskReferenceName": "e", "type": "EVENT", "sink": f"{kind}:{queue_name}",
         "inputParameters": {"k": 42}}]})
    event_task = Task.objects.get(workflow_id=emitter, ref="e")
    system_tasks.run(event_task.id)
    event_task.refresh_from_db()
    assert event_task.status == "COMPLETED" and event_task.output["event_produced"] == queue_name
    [handled] = drain(kind, queue_name)
    assert handled is not None and handled[0].status == "COMPLETED"
    started = Workflow.objects.get(pk=handled[0].output[0]["workflowId"])
    assert started.input["from"] == emitter and started.input["k"] == 42
    assert started.input["conductor.event.messageId"] == event_task.id


def test_an_event_task_fails_when_its_broker_is_unreachable(start, settings) -> None:  # type: ignore[no-untyped-def]
    settings.BATON = {**settings.BATON, "AMQP_URL": "amqp://guest:guest@127.0.0.1:1//"}
    emitter = start({"name": "ev_emit_down", "version": 1, "tasks": [
        {"name": "e", "taskReferenceName": "e", "type": "EVENT", "sink": "amqp:nowhere"}]})
    event_task = Task.objects.get(workflow_id=emitter, ref="e")
    system_tasks.run(event_task.id)
    event_task.refresh_from_db()
    assert event_task.status == "FAILED" and "could not publish to amqp:nowhere" in event_task.reason
