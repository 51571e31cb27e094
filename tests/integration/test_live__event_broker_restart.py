"""A RabbitMQ restart loses no message the broker acknowledged, and Baton's consumer comes back.

The broker here is a private RabbitMQ node (its own port, data directory and node name), started
and killed by this test: the shared one on 5672 is left alone. Messages are published durable,
persistent and with publisher confirms; the node is killed with SIGKILL (no clean shutdown) and
started again on the same data directory.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kombu import Connection, Exchange, Queue

from tests.live import Stack, free_port, wait_for

pytestmark = pytest.mark.integration

SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"


class PrivateRabbit:
    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="baton-rabbit-"))
        (self.dir / "enabled_plugins").write_text("[].\n")
        (self.dir / "rabbitmq.conf").write_text("")
        for sub in ("schema", "config", "log", "mnesia"):
            (self.dir / sub).mkdir()
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}//"
        self.env = {**os.environ, "HOME": str(self.dir), "RABBITMQ_NODENAME": f"baton{self.port}@localhost",
                    "RABBITMQ_NODE_PORT": str(self.port), "RABBITMQ_DIST_PORT": str(free_port()),
                    "RABBITMQ_MNESIA_BASE": str(self.dir / "mnesia"), "RABBITMQ_LOG_BASE": str(self.dir / "log"),
                    "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.dir / "enabled_plugins"),
                    "RABBITMQ_SCHEMA_DIR": str(self.dir / "schema"),
                    "RABBITMQ_GENERATED_CONFIG_DIR": str(self.dir / "config"),
                    "RABBITMQ_CONFIG_FILE": str(self.dir / "rabbitmq")}
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> PrivateRabbit:
        log = open(self.dir / "server.out", "ab")  # noqa: SIM115 - the process holds it
        self.proc = subprocess.Popen([SERVER], env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with Connection(self.url, connect_timeout=1) as conn:
                    conn.connect()
                    return self
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.3)
        raise RuntimeError(f"RabbitMQ did not start:\n{(self.dir / 'server.out').read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the node (its own process group, started above) and wait for it to go."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=20)
        self.proc = None

    def remove(self) -> None:
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture()
def rabbit() -> Iterator[PrivateRabbit]:
    if not Path(SERVER).exists():
        pytest.skip("rabbitmq-server is not installed")
    node = PrivateRabbit().start()
    yield node
    node.remove()


def publish(url: str, queue: str, body: Any) -> None:
    """Durable queue, persistent message, and the broker's confirm before returning."""
    with Connection(url, transport_options={"confirm_publish": True}) as conn:
        target = Queue(queue, Exchange(""), routing_key=queue, durable=True)
        conn.Producer().publish(body, serializer="json", exchange=target.exchange, routing_key=queue,
                                declare=[target], message_id=str(uuid.uuid4()), delivery_mode=2)


def runs(api: Any, name: str, correlation_id: str) -> list[dict[str, Any]]:
    return list(api.get(f"/workflow/{name}/correlated/{correlation_id}", params={"includeClosed": "true"}).json())


def eventually(fn, timeout: float = 60.0) -> Any:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def handler(name: str, queue: str, target: str, active: bool) -> dict[str, Any]:
    return {"name": name, "event": f"amqp:{queue}", "active": active, "actions": [
        {"action": "start_workflow", "start_workflow": {"name": target, "input": {"n": "${n}"},
                                                       "correlationId": "${batch}"}}]}


def test_a_broker_restart_loses_no_acknowledged_message(rabbit: PrivateRabbit) -> None:
    stack = Stack("postgres", extra_env={"BATON_AMQP_URL": rabbit.url}).start()
    try:
        with stack.client() as api:
            target = "restart_target"
            api.post("/metadata/workflow", json={"name": target, "version": 1, "tasks": [
                {"name": "n", "taskReferenceName": "n", "type": "NOOP"}]})
            assert api.post("/event", json=handler("live", "q-live", target, True)).status_code == 200
            assert api.post("/event", json=handler("parked", "q-parked", target, False)).status_code == 200
            publish(rabbit.url, "q-live", {"n": 0, "batch": "before"})
            assert eventually(lambda: runs(api, target, "before"))  # the consumer is connected
            for n in range(5):  # nobody consumes q-parked yet: these wait in the broker
                publish(rabbit.url, "q-parked", {"n": n, "batch": "parked"})
            # EVENT tasks publish before the restart, so the workers hold broker connections.
            api.post("/metadata/workflow", json={"name": "restart_emit", "version": 1, "tasks": [
                {"name": "e", "taskReferenceName": "e", "type": "EVENT", "sink": "amqp:q-live",
                 "inputParameters": {"batch": "${workflow.input.batch}"}}]})
            for i in range(3):
                source = api.post("/workflow", json={"name": "restart_emit", "input": {"batch": f"emit-{i}"}}).text
                assert wait_for(api, source)["status"] == "COMPLETED"

            rabbit.kill()
            rabbit.start()

            # The consumer that was connected comes back by itself ...
            publish(rabbit.url, "q-live", {"n": 1, "batch": "after"})
            assert eventually(lambda: runs(api, target, "after")), stack.server_log()
            # ... and what the broker confirmed before it died is all there.
            assert api.put("/event", json=handler("parked", "q-parked", target, True)).status_code == 200
            parked = eventually(lambda: len(runs(api, target, "parked")) == 5 and runs(api, target, "parked"))
            assert parked, runs(api, target, "parked")
            assert sorted(wait_for(api, r["workflowId"])["input"]["n"] for r in parked) == [0, 1, 2, 3, 4]
            # EVENT tasks publish to the restarted broker too: the workers' pooled connections
            # died with it and are re-established (a task that still failed would say why).
            for i in range(3, 6):
                source = api.post("/workflow", json={"name": "restart_emit", "input": {"batch": f"emit-{i}"}}).text
                done = wait_for(api, source)
                assert done["status"] == "COMPLETED", done.get("reasonForIncompletion")
            assert all(eventually(lambda i=i: runs(api, target, f"emit-{i}")) for i in range(6))
    finally:
        stack.stop()
