"""The Celery worker step that runs the event consumers (registered in orchestrator/celery.py).

Why a worker bootstep and not a process of its own: the consumers live and die with the
worker that `manage.py serve`, a container or systemd already runs (one thing to deploy and
watch), they start after the pool and stop before it, and running N workers gives N
competing consumers — RabbitMQ spreads the messages, and the per-handler message record keeps
a redelivery from doubling. It is not a `ConsumerStep` on Celery's own connection because a
sink's broker (RabbitMQ for `amqp:`) is usually not the Celery broker.

Nothing here imports Django models at module level: the Celery app imports this before Django
is set up.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import bootsteps

log = logging.getLogger(__name__)


class EventConsumers(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Pool"}

    def __init__(self, worker: Any, **kwargs: Any) -> None:
        super().__init__(worker, **kwargs)
        self.supervisor: Any = None

    def start(self, worker: Any) -> None:
        from orchestrator.conf import baton

        if not baton.EVENT_CONSUMERS:
            return
        from .consumers import Supervisor

        self.supervisor = Supervisor()
        self.supervisor.start()
        log.info("event consumers started")

    def stop(self, worker: Any) -> None:
        if self.supervisor is not None:
            self.supervisor.stop()
            self.supervisor = None

    shutdown = stop
