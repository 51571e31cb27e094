"""One handler renders every API error as Conductor's error JSON."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response

from orchestrator.services.errors import ServiceError

log = logging.getLogger(__name__)


class BadRequest(ServiceError):
    status_code = 400
    code = "BAD_REQUEST"


def error_body(status: int, message: str, validation_errors: list[dict[str, Any]] | None = None,
               error: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "status": status,
        "message": message,
        "instance": "baton",
        "retryable": status >= 500,
    }
    if validation_errors:
        body["validationErrors"] = validation_errors
    if error:
        body["error"] = error
    return body


def describe(exc: Exception) -> tuple[int, dict[str, Any]] | None:
    """Status and body for an exception we know how to explain; None for a bug."""
    if isinstance(exc, ServiceError):
        # Refusals name their cause (INVALID_TOKEN, EXPIRED_TOKEN, FORBIDDEN) in `error`.
        error = exc.code if exc.status_code in (401, 403) else None
        return exc.status_code, error_body(exc.status_code, exc.message, exc.validation_errors, error=error)
    if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
        code = getattr(exc, "auth_code", "INVALID_TOKEN")
        return 401, error_body(401, str(exc.detail), error=code)
    if isinstance(exc, drf.PermissionDenied):
        return 403, error_body(403, str(exc.detail), error="FORBIDDEN")
    if isinstance(exc, drf.APIException):
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return exc.status_code, error_body(exc.status_code, detail)
    if isinstance(exc, DjangoValidationError):
        return 400, error_body(400, "; ".join(exc.messages))
    if isinstance(exc, OperationalError | InterfaceError):
        log.warning("database unavailable: %s", exc)
        return 503, error_body(503, "The database is unavailable; retry shortly.")
    if isinstance(exc, DatabaseError):
        log.exception("database error")
        return 500, error_body(500, "Database error")
    return None


def _headers(status: int) -> dict[str, str] | None:
    return {"WWW-Authenticate": "Bearer"} if status == 401 else None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    described = describe(exc)
    if described is None:
        return None
    status, body = described
    return Response(body, status=status, headers=_headers(status))


def json_error(exc: Exception) -> JsonResponse:
    """The same rendering for plain Django (async) views; a bug is re-raised."""
    described = describe(exc)
    if described is None:
        raise exc
    status, body = described
    return JsonResponse(body, status=status, headers=_headers(status))
