"""Websocket authentication: the browser session, or an application token in `?token=`."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async

from orchestrator.services.access import TokenError, verify_token

from .auth import user_principal


class _PrincipalMiddleware:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        principal = user_principal(scope.get("user"))
        token = (parse_qs(scope.get("query_string", b"").decode()).get("token") or [None])[0]
        if principal is None and token:
            try:
                principal = await database_sync_to_async(verify_token)(token)
            except TokenError:
                principal = None
        return await self.inner({**scope, "principal": principal}, receive, send)


def WebsocketAuthMiddleware(inner: Any) -> Any:  # noqa: N802 - named like Channels' stacks
    return AuthMiddlewareStack(_PrincipalMiddleware(inner))
