"""The hot paths without Django's middleware chain: poll, the two result endpoints, and start.

Under ASGI every Django request goes through the middleware chain; WhiteNoise is sync-only, so
each request hops into Django's one sync thread and back, and the chain (sessions, messages,
CSRF, auth) runs for callers that use none of it. A worker (or a client starting runs) sends an application token and
wants JSON: for exactly those requests (a token header, one of the routes below, an allowed
Host) this ASGI app calls the view function itself and adds the response headers the
security middlewares would. Everything else — session callers, other routes, bad hosts —
goes to Django unchanged. The views are the same `async_api_view` functions Django routes
to, so authentication, roles, validation and error bodies are the same code.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpResponse
from django.http.request import split_domain_port, validate_host
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware

from . import poll, views_tasks, views_workflow

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]

_EXACT: dict[tuple[str, str], Callable[..., Awaitable[HttpResponse]]] = {
    ("POST", "/api/tasks"): views_tasks.update_task,
    ("POST", "/api/tasks/update-v2"): views_tasks.update_task_v2,
    ("POST", "/api/workflow"): views_workflow.start_workflow,
}
_POLL = re.compile(r"/api/tasks/poll/batch/([^/]+)")


def _not_called(request: Any) -> HttpResponse:
    raise AssertionError("only process_response is used")


class WorkerFastPath:
    """ASGI app: the hot worker routes straight to their views; the rest to `django_app`."""

    def __init__(self, django_app: ASGIHandler) -> None:
        self.django_app = django_app
        # The response headers of SecurityMiddleware (nosniff, referrer and opener policies,
        # HSTS when configured) and XFrameOptionsMiddleware, applied by their own code.
        self.security = SecurityMiddleware(_not_called)
        self.frame_options = XFrameOptionsMiddleware(_not_called)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self._route(scope) if scope["type"] == "http" else None
        if route is None:
            await self.django_app(scope, receive, send)
            return
        view, args = route
        body = await self.django_app.read_body(receive)
        request, refused = self.django_app.create_request(scope, body)  # a bad body: Django's 400/413
        if request is None:
            assert refused is not None
            await self.django_app.send_response(refused, send)
            return
        response = await view(request, *args)
        response = self.frame_options.process_response(request, self.security.process_response(request, response))
        await self.django_app.send_response(response, send)

    def _route(self, scope: Scope) -> tuple[Callable[..., Awaitable[HttpResponse]], tuple[str, ...]] | None:
        if scope.get("root_path"):
            return None  # mounted under a prefix: leave path handling to Django
        path: str = scope["path"]
        method: str = scope["method"]
        view = _EXACT.get((method, path))
        args: tuple[str, ...] = ()
        if view is None and method == "GET":
            match = _POLL.fullmatch(path)
            if match is not None:
                view, args = poll.poll_batch, (match.group(1),)
        if view is None:
            return None
        headers = dict(scope.get("headers") or ())
        if not headers.get(b"x-authorization", b"").strip() and not headers.get(
                b"authorization", b"").lower().startswith(b"bearer "):
            return None  # session callers (cookies, CSRF) take the full path: it sets request.user
        host = headers.get(b"host", b"").decode("latin1")
        domain, _ = split_domain_port(host)
        if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
            return None  # Django answers a disallowed host with its usual 400
        return view, args
