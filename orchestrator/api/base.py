"""The API view bases — ApiView for DRF views, `async_api_view` for async ones — and response helpers."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.response import Response
from rest_framework.views import APIView

from orchestrator.services.access import Principal, authorize

from .auth import authenticate
from .exceptions import json_error

P = ParamSpec("P")
AsyncView = Callable[Concatenate[HttpRequest, Principal | None, P], Coroutine[Any, Any, HttpResponse]]
AsyncEndpoint = Callable[Concatenate[HttpRequest, P], Coroutine[Any, Any, HttpResponse]]


class ApiView(APIView):
    worker_allowed = False


def async_api_view(*methods: str, worker_allowed: bool = False) -> Callable[[AsyncView[P]], AsyncEndpoint[P]]:
    """The frame of an async endpoint: what ApiView gives a DRF view, without DRF's request object.

    In order: the method check, authentication (`auth.authenticate`: token, or session with
    Django's CSRF check), the role rule (`access.authorize`, as ApiPermission applies it), and
    every error rendered by the one handler. Long waits (polls, execute-and-wait) are why these
    views are async; wrapping each request in DRF's Request would cost the hot poll path for
    nothing it uses. The view gets the caller after the request (None with BATON_AUTH off).
    """
    allowed = frozenset(methods)
    allow_header = ", ".join(sorted(allowed))

    def decorate(view: AsyncView[P]) -> AsyncEndpoint[P]:
        @functools.wraps(view)
        async def frame(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if request.method not in allowed:
                response = json_error(MethodNotAllowed(str(request.method)))
                response["Allow"] = allow_header
                return response
            try:
                principal = await authenticate(request)
                authorize(principal, worker_allowed=worker_allowed)
                return await view(request, principal, *args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - the one handler renders it; a bug re-raises there
                return json_error(exc)

        # Session callers are CSRF-checked in authenticate(); token callers need no check.
        return csrf_exempt(frame)

    return decorate


def text_response(value: str) -> HttpResponse:
    """Conductor answers ids as text/plain (the SDK reads the body as a string)."""
    return HttpResponse(value, content_type="text/plain")


def ok(data: Any = None, status: int = 200) -> Response:
    return Response(data, status=status)


def no_content() -> HttpResponse:
    return HttpResponse(status=204)


def bulk_response(successes: list[str], errors: dict[str, str]) -> Response:
    return Response({"bulkSuccessfulResults": successes, "bulkErrorResults": errors})
