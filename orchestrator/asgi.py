"""ASGI entry point: HTTP through Django (the worker hot path through `api.fastpath`), websockets
through Channels (auth + origin checked)."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orchestrator.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from executions.routing import websocket_urlpatterns  # noqa: E402
from orchestrator.api.fastpath import WorkerFastPath  # noqa: E402
from orchestrator.api.ws_auth import WebsocketAuthMiddleware  # noqa: E402

application = ProtocolTypeRouter(
    {
        # Token-authenticated worker polls and results skip the middleware chain (see fastpath).
        "http": WorkerFastPath(django_app),
        "websocket": AllowedHostsOriginValidator(WebsocketAuthMiddleware(URLRouter(websocket_urlpatterns))),
    }
)
