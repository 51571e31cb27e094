"""/api/event: Conductor's event handlers (EventResourceApi in the SDK). ADMIN role."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.response import Response

from orchestrator.eventing import handlers

from .base import ApiView, ok
from .parsing import flag


class EventHandlers(ApiView):
    def get(self, request: Request) -> Response:
        return ok([handlers.as_json(h) for h in handlers.all_handlers()])

    def post(self, request: Request) -> Response:
        handlers.add(request.data)
        return ok(None)

    def put(self, request: Request) -> Response:
        handlers.update(request.data)
        return ok(None)


class EventHandlersByKey(ApiView):
    """GET /event/{event}: the handlers of an event; DELETE /event/{name}: one handler by name."""

    def get(self, request: Request, key: str) -> Response:
        active_only = flag(request.query_params, "activeOnly", True)
        return ok([handlers.as_json(h) for h in handlers.for_event(key, active_only)])

    def delete(self, request: Request, key: str) -> Response:
        handlers.remove(key)
        return ok(None)
