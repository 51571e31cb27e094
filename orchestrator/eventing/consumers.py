"""kombu consumers for the event handlers' queues, run inside the Celery worker (see `bootstep`).

A `Supervisor` thread reads which events active handlers listen to (every
`baton.EVENT_REFRESH_SECONDS`) and keeps one `SinkConsumer` thread per sink kind in use, each
with its own broker connection (the `amqp` sink is not the Celery broker). A consumer adds and
cancels queues as handlers come and go, without reconnecting.

Acknowledgement: a message is acked only after `processor.process` returned, i.e. after every
handler's transaction committed (a failed action is a committed dead letter, so it is acked
too). If processing raises — the database is down, say — the message is requeued after a pause
and comes back; the per-handler execution record makes the second run do only what the first
did not commit.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
import uuid
from typing import Any

from django.db import close_old_connections
from kombu import Consumer
from kombu.message import Message as KombuMessage
from kombu.mixins import ConsumerMixin

from orchestrator.conf import baton

from . import actions, handlers, processor, sinks

log = logging.getLogger(__name__)
_REQUEUE_PAUSE_SECONDS = 1.0


def handle_message(kind: str, name: str, message: KombuMessage) -> list[processor.Handled] | None:
    """Process one broker message of `<kind>:<name>` and ack it; requeue it if processing failed.

    Returns what the handlers did, or None when it was requeued.
    """
    message_id = (message.properties or {}).get("message_id") or message.headers.get("message_id")
    if not message_id:
        # Without an id a redelivery cannot be recognised; Conductor's queues mint one too.
        message_id = str(uuid.uuid4())
    event = f"{kind}:{name}"
    try:
        handled = processor.process(actions.Message(event, str(message_id), processor.decode(message.body)))
    except Exception:  # noqa: BLE001 - nothing committed for the failing handler: deliver it again
        log.exception("event %s message %s: processing failed, requeued", event, message_id)
        time.sleep(_REQUEUE_PAUSE_SECONDS)
        message.requeue()
        return None
    message.ack()
    return handled


class SinkConsumer(ConsumerMixin):
    """A fixed set of queues of one sink kind, on one connection.

    One kombu consumer per queue, so a message's queue is known however it was routed there
    (an exchange bound to the queue, not only the default exchange). The set never changes under
    a running consumer: when the handlers want other queues, the supervisor replaces the whole
    consumer, so every subscription is made the one way that also survives a reconnect
    (`get_consumers` on a fresh channel). Unacked messages of the old one go back to the broker
    and are redelivered; handling is idempotent by message id.
    """

    def __init__(self, kind: str, queues: frozenset[str]) -> None:
        self.kind = kind
        self.queues = queues
        self.connection = sinks.connection(kind)

    def get_consumers(self, consumer_cls: Any, channel: Any) -> list[Consumer]:
        return [Consumer(channel, queues=[sinks.queue(self.kind, name)], prefetch_count=8,
                         on_message=functools.partial(self._on_message, name)) for name in sorted(self.queues)]

    def on_connection_error(self, exc: Exception, interval: float) -> None:
        log.warning("event sink %s: broker unreachable (%s), retrying in %.0fs", self.kind, exc, interval)

    def _on_message(self, name: str, message: KombuMessage) -> None:
        # A long-lived thread: drop a connection the database closed, or one past CONN_MAX_AGE.
        close_old_connections()
        try:
            handle_message(self.kind, name, message)
        finally:
            close_old_connections()


class Supervisor(threading.Thread):
    """Keeps a consumer thread per sink kind some active handler uses."""

    def __init__(self, refresh_seconds: float | None = None) -> None:
        super().__init__(name="baton-event-supervisor", daemon=True)
        self.refresh = refresh_seconds if refresh_seconds is not None else float(baton.EVENT_REFRESH_SECONDS)
        self._halt = threading.Event()
        self._wanted: dict[str, set[str]] = {}
        self._consumers: dict[str, tuple[SinkConsumer, threading.Thread]] = {}

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                self._refresh()
            except Exception:  # noqa: BLE001 - the database may be briefly away; try again next tick
                log.exception("event consumers: could not read the handlers")
            finally:
                close_old_connections()
            self._halt.wait(self.refresh)

    def _refresh(self) -> None:
        wanted: dict[str, set[str]] = {}
        for event in handlers.active_events():
            kind, name = sinks.split(event)
            if kind in sinks.KINDS and name:
                wanted.setdefault(kind, set()).add(name)
        self._wanted = wanted
        for kind in set(self._consumers) | set(wanted):
            queues = frozenset(wanted.get(kind, ()))
            running = self._consumers.get(kind)
            if running is not None and running[0].queues == queues:
                continue
            if running is not None:
                running[0].should_stop = True  # its loop ends within a second (kombu's drain timeout)
                del self._consumers[kind]
            if queues:
                consumer = SinkConsumer(kind, queues)
                thread = threading.Thread(target=consumer.run, name=f"baton-event-{kind}", daemon=True)
                thread.start()
                self._consumers[kind] = (consumer, thread)

    def wanted(self, kind: str) -> set[str]:
        """The queue names of a sink kind that active handlers listen to (as of the last refresh)."""
        return set(self._wanted.get(kind, ()))

    def stop(self, timeout: float = 5.0) -> None:
        self._halt.set()
        for consumer, _ in self._consumers.values():
            consumer.should_stop = True
        for _, thread in self._consumers.values():
            thread.join(timeout)
        self.join(timeout)
