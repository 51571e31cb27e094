"""The API view base and the small response helpers every view uses."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from rest_framework.response import Response
from rest_framework.views import APIView


class ApiView(APIView):
    worker_allowed = False


def text_response(value: str) -> HttpResponse:
    """Conductor answers ids as text/plain (the SDK reads the body as a string)."""
    return HttpResponse(value, content_type="text/plain")


def ok(data: Any = None, status: int = 200) -> Response:
    return Response(data, status=status)


def no_content() -> HttpResponse:
    return HttpResponse(status=204)


def bulk_response(successes: list[str], errors: dict[str, str]) -> Response:
    return Response({"bulkSuccessfulResults": successes, "bulkErrorResults": errors})
