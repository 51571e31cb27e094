"""API authentication and the role rule, shared by the DRF views and the async views.

Callers send an application token (X-Authorization, or Authorization: Bearer) or use the browser
session. Token requests are exempt from CSRF (there is no ambient credential); session requests
get Django's CSRF check, `check_csrf`, in both kinds of view.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse
from rest_framework import authentication, exceptions, permissions
from rest_framework.authentication import CSRFCheck

from orchestrator.services.access import Principal, TokenError, authorize, verify_token, verify_token_if_cached


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


class TokenAuthentication(authentication.BaseAuthentication):
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
    """The role rule (services.access.authorize); views that workers need say `worker_allowed`."""

    def has_permission(self, request: Any, view: Any) -> bool:
        authorize(user_principal(request.user), worker_allowed=getattr(view, "worker_allowed", False))
        return True


def _not_called(request: HttpRequest) -> HttpResponse:
    raise AssertionError("the CSRF check only inspects its view and response callables")


def check_csrf(request: HttpRequest) -> None:
    """Django's CSRF check (CsrfViewMiddleware's own logic) for a session caller; safe methods pass."""
    check = CSRFCheck(_not_called)
    check.process_request(request)  # reads the CSRF cookie into request.META for process_view
    reason = check.process_view(request, _not_called, (), {})
    if reason:
        raise exceptions.PermissionDenied(f"CSRF Failed: {reason}")


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's, with the CSRF check the async views apply too."""

    def enforce_csrf(self, request: Any) -> None:
        check_csrf(request)  # DRF's Request proxies every attribute the check reads


_TOKEN = TokenAuthentication()


async def authenticate(request: HttpRequest) -> Principal | None:
    """What the DRF views' authenticators (token, then session) decide, for a plain async request.

    DRF's SessionAuthentication reads `request.user` synchronously, which an async view may not;
    the session user is loaded with `auser()` instead and the same CSRF check applied to it.
    """
    token = token_from(request)
    if token:
        try:
            known = verify_token_if_cached(token)
        except TokenError as exc:
            raise Unauthenticated(exc.code, exc.message) from exc
        if known is not None:
            return known
        # verify_token must read the application row (revocation): off the event loop.
        found = await sync_to_async(_TOKEN.authenticate, thread_sensitive=False)(request)
        return found[0] if found else None
    user = await request.auser()
    if not user.is_active:  # AnonymousUser included, as in SessionAuthentication
        return None
    check_csrf(request)
    return user_principal(user)


def principal_name(request: Any) -> str:
    principal = user_principal(getattr(request, "user", None))
    return principal.name if principal else ""
