"""The service layer's exceptions. The API maps each to its HTTP status (see api/exceptions.py)."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status_code = 400
    code = "BAD_REQUEST"

    def __init__(self, message: str, *, validation_errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.validation_errors = validation_errors or []


class InvalidInput(ServiceError):
    status_code = 400
    code = "INVALID_INPUT"


class NotFound(ServiceError):
    status_code = 404
    code = "NOT_FOUND"


class Conflict(ServiceError):
    status_code = 409
    code = "CONFLICT"


class Unavailable(ServiceError):
    status_code = 503
    code = "UNAVAILABLE"
