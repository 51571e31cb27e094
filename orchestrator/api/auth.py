"""API authentication: application tokens (X-Authorization or Bearer) and browser sessions.

Token requests are exempt from CSRF (there is no ambient credential); session requests go
through DRF's SessionAuthentication, which enforces it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from rest_framework import exceptions, permissions
from rest_framework.authentication import BaseAuthentication

from orchestrator.conf import baton
from orchestrator.services.access import Principal, TokenError, verify_token


def token_from(request: HttpRequest) -> str | None:
    token = request.headers.get("X-Authorization")
    if token:
        return token.strip()
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


class Unauthenticated(exceptions.AuthenticationFailed):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.auth_code = code


class TokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Any) -> tuple[Principal, str] | None:
        token = token_from(request)
        if not token:
            return None
        try:
            return verify_token(token), token
        except TokenError as exc:
            raise Unauthenticated(exc.code, exc.message) from exc

    def authenticate_header(self, request: Any) -> str:
        return "Bearer"


def user_principal(user: Any) -> Principal | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if isinstance(user, Principal):
        return user
    return Principal(name=user.get_username(), kind="user", role="ADMIN" if user.is_staff else "WORKER")


class ApiPermission(permissions.BasePermission):
    """Authenticated callers only; worker-role applications only on views marked worker_allowed."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not baton.AUTH:
            return True
        principal = user_principal(request.user)
        if principal is None:
            raise Unauthenticated("INVALID_TOKEN", "Authentication required: send X-Authorization")
        if principal.is_admin or getattr(view, "worker_allowed", False):
            return True
        raise exceptions.PermissionDenied("This application's role does not allow this API")


def principal_for(request: HttpRequest) -> Principal | None:
    """Authenticate a plain Django request (used by async views). Raises TokenError."""
    token = token_from(request)
    if token:
        return verify_token(token)
    return user_principal(getattr(request, "user", None))


def principal_name(request: Any) -> str:
    principal = user_principal(getattr(request, "user", None))
    return principal.name if principal else ""
