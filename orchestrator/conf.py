"""Baton's own settings, namespaced, with their defaults in one place.

Usage::

    from orchestrator.conf import baton
    baton.SWEEP_INTERVAL_SECONDS

Each name can be overridden in Django settings as ``BATON = {"SWEEP_INTERVAL_SECONDS": 5}``,
and most come from the environment (see orchestrator/settings.py).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings

DEFAULTS: dict[str, Any] = {
    # Authentication on the API and websockets. "off" runs open (and /api/token answers 404).
    "AUTH": True,
    # Lifetime of tokens issued by POST /api/token.
    "TOKEN_TTL_SECONDS": 3600,
    # How often beat runs the sweeper, and how far behind a lost message can leave a workflow.
    "SWEEP_INTERVAL_SECONDS": 5,
    # Workflows the sweeper re-decides per tick at most (the rest wait for the next tick).
    "SWEEP_BATCH": 500,
    # Long-poll cap for batch polls, in milliseconds (Conductor caps at 5000).
    "MAX_POLL_TIMEOUT_MS": 5000,
    # How often a waiting long-poll looks at the queue again, in milliseconds.
    "POLL_RECHECK_MS": 20,
    # Largest request body the API accepts.
    "MAX_BODY_BYTES": 8 * 1024 * 1024,
    # Largest nesting depth accepted in JSON bodies.
    "MAX_JSON_DEPTH": 200,
    # Decide inline in the request that completes a task (measured faster than a Celery hop).
    "DECIDE_INLINE": True,
    # RabbitMQ behind `amqp:<queue>` event handlers and EVENT tasks (env BATON_AMQP_URL).
    "AMQP_URL": "amqp://guest:guest@127.0.0.1:5672//",
    # Whether the Celery worker runs the event handlers' consumers (env BATON_EVENT_CONSUMERS).
    "EVENT_CONSUMERS": True,
    # How often the consumers look for handlers on new queues, in seconds.
    "EVENT_REFRESH_SECONDS": 2.0,
}


class BatonSettings:
    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"unknown Baton setting {name!r}")
        overrides = getattr(django_settings, "BATON", {})
        return overrides.get(name, DEFAULTS[name])


baton = BatonSettings()
