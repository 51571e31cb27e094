"""The consumer threads the Celery worker runs: they pick up a handler's queue while running,
process and acknowledge its messages, and stop cleanly."""

from __future__ import annotations

import time
import uuid

import pytest

from executions.models import Workflow
from orchestrator.eventing import handlers, sinks
from orchestrator.eventing.consumers import Supervisor
from orchestrator.services import definitions

pytestmark = [pytest.mark.db_tier, pytest.mark.django_db(transaction=True)]


def wait_until(predicate, timeout: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_handler_added_while_running_gets_its_queue_consumed() -> None:
    queue = f"baton-test-{uuid.uuid4().hex[:10]}"
    definitions.save_workflow_def({"name": "ev_live", "version": 1, "tasks": [
        {"name": "ev_live_t", "taskReferenceName": "t"}]}, overwrite=True)
    supervisor = Supervisor(refresh_seconds=0.2)
    supervisor.start()
    try:
        handlers.add({"name": "live_one", "event": f"amqp:{queue}", "active": True, "actions": [
            {"action": "start_workflow", "start_workflow": {"name": "ev_live", "input": {"n": "${n}"}}}]})
        assert wait_until(lambda: queue in supervisor.wanted("amqp"))
        sinks.publish("amqp", queue, {"n": 1}, message_id="live-1")
        sinks.publish("amqp", queue, {"n": 2}, message_id="live-2")
        sinks.publish("amqp", queue, {"n": 1}, message_id="live-1")  # a repeat: handled once
        assert wait_until(lambda: Workflow.objects.filter(name="ev_live").count() == 2)
        with sinks.connection("amqp") as conn:
            declared = sinks.queue("amqp", queue)(conn.default_channel)
            assert wait_until(lambda: declared.queue_declare(passive=True).message_count == 0)
        assert sorted(w.input["n"] for w in Workflow.objects.filter(name="ev_live")) == [1, 2]
    finally:
        supervisor.stop()
        with sinks.connection("amqp") as conn:
            sinks.queue("amqp", queue)(conn.default_channel).delete()
    assert not supervisor.is_alive()
