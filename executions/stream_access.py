"""Who may open a live stream: one admission check for every websocket consumer."""

from __future__ import annotations

from channels.generic.websocket import AsyncWebsocketConsumer

from orchestrator.services.access import Forbidden, TokenError, authorize


async def admit(consumer: AsyncWebsocketConsumer, *, worker_allowed: bool) -> bool:
    """Apply the API's role rule to the socket's principal; close it (4401 no or bad credential,
    4403 not allowed) and say False when it may not stream."""
    try:
        authorize(consumer.scope.get("principal"), worker_allowed=worker_allowed)
    except TokenError:
        await consumer.close(code=4401)
        return False
    except Forbidden:
        await consumer.close(code=4403)
        return False
    return True
