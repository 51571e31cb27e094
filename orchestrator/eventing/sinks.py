"""The brokers behind the sink kinds, through kombu: connections, queues and publishing.

    conductor:<queue>  Baton's own broker (the Celery broker: Redis in production, the
                       filesystem transport embedded), queue `baton.event.<queue>`
    amqp:<queue>       RabbitMQ at `baton.AMQP_URL` (env BATON_AMQP_URL), queue `<queue>` as is,
                       durable, messages persistent, publisher confirms on

Another sink is one entry in `_BROKERS`: any broker kombu has a transport for (Redis, SQS, Azure
Service Bus, Kafka via kombu's confluentkafka transport, ...) needs only its URL and queue naming.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from kombu import Connection, Exchange, Queue, pools

from orchestrator.conf import baton

CONDUCTOR_PREFIX = "baton.event."


def _conductor() -> Connection:
    options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {})
    return Connection(settings.CELERY_BROKER_URL, transport=getattr(settings, "CELERY_BROKER_TRANSPORT", None),
                      transport_options=options, connect_timeout=5)


def _amqp() -> Connection:
    return Connection(baton.AMQP_URL, transport_options={"confirm_publish": True}, connect_timeout=5,
                      heartbeat=30)


_BROKERS: dict[str, tuple[Callable[[], Connection], str]] = {
    "conductor": (_conductor, CONDUCTOR_PREFIX),
    "amqp": (_amqp, ""),
}
KINDS = tuple(_BROKERS)


class PublishFailed(Exception):
    pass


def connection(kind: str) -> Connection:
    """A new (lazy) kombu connection to the broker of a sink kind."""
    return _BROKERS[kind][0]()


def queue(kind: str, name: str) -> Queue:
    """The broker queue of `<kind>:<name>`; on the default exchange, routed by its own name."""
    broker_name = _BROKERS[kind][1] + name
    return Queue(broker_name, Exchange(""), routing_key=broker_name, durable=True, auto_delete=False)


def split(event: str) -> tuple[str, str]:
    """`amqp:orders` → ("amqp", "orders"); KeyError-free: an unknown kind is returned as is."""
    kind, _, name = event.partition(":")
    return kind, name


def publish(kind: str, name: str, payload: Mapping[str, Any] | Any, message_id: str | None = None) -> str:
    """Publish a JSON message to `<kind>:<name>` now, waiting for the broker to take it.

    Immediate: it does not wait for any transaction, so a caller inside one must make a
    rollback harmless — the EVENT task passes its task id as the message id, and consumers
    handle a message id once. Returns the message id. Raises PublishFailed.
    """
    if kind not in _BROKERS:
        raise PublishFailed(f"unsupported sink {kind!r}: Baton publishes to {', '.join(KINDS)}")
    message_id = message_id or str(uuid.uuid4())
    target = queue(kind, name)
    conn = connection(kind)
    try:
        with pools.producers[conn].acquire(block=True, timeout=5) as producer:
            producer.publish(
                dict(payload) if isinstance(payload, Mapping) else payload, serializer="json",
                exchange=target.exchange, routing_key=target.routing_key, declare=[target],
                message_id=message_id, delivery_mode=2, retry=True,
                retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1},
            )
    except Exception as exc:  # noqa: BLE001 - any broker or connection error means "not published"
        raise PublishFailed(f"could not publish to {kind}:{name}: {exc}") from exc
    finally:
        conn.release()
    return message_id
