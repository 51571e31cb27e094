"""API applications and their tokens: key/secret pairs exchanged for short-lived JWTs.

Secrets are 256-bit random strings, so a single SHA-256 is enough to store them safely (as
for GitHub tokens); a slow password hash would only make every token exchange slow.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

import jwt
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from orchestrator.conf import baton
from orchestrator.models import ApiApplication

from .errors import ServiceError

_ALGORITHM = "HS256"
_MAX_FAILURES = 10  # per key id per minute before /token answers 429
_ACTIVE_CACHE_SECONDS = 15.0
_active_cache: dict[str, tuple[float, bool]] = {}


class TokenError(ServiceError):
    status_code = 401

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class Forbidden(ServiceError):
    status_code = 403
    code = "FORBIDDEN"


class TooManyAttempts(ServiceError):
    status_code = 429
    code = "TOO_MANY_ATTEMPTS"


@dataclass(frozen=True)
class Principal:
    name: str
    kind: str  # "app" or "user"
    role: str  # ApiApplication.ROLE_ADMIN / ROLE_WORKER
    is_authenticated: bool = True

    @property
    def is_admin(self) -> bool:
        return self.role == ApiApplication.ROLE_ADMIN


def authorize(principal: Principal | None, *, worker_allowed: bool) -> None:
    """The API's one role rule, for every view and the execution stream.

    Any authenticated caller may use what workers need (`worker_allowed`); everything else needs
    the ADMIN role (an ADMIN application, or a staff user). With BATON_AUTH off everyone may.

    Raises:
        TokenError: nobody authenticated (401).
        Forbidden: the caller's role may not (403).
    """
    if not baton.AUTH:
        return
    if principal is None:
        raise TokenError("INVALID_TOKEN", "Authentication required: send X-Authorization")
    if not (principal.is_admin or worker_allowed):
        raise Forbidden("This application's role does not allow this API")


def hash_secret(secret: str) -> str:
    return "sha256$" + hashlib.sha256(secret.encode()).hexdigest()


def create_application(name: str, role: str = ApiApplication.ROLE_ADMIN) -> tuple[ApiApplication, str]:
    """Create an application; returns it and its secret (shown once, never stored)."""
    secret = secrets.token_urlsafe(32)
    app = ApiApplication.objects.create(
        name=name, key_id=secrets.token_hex(12), secret_hash=hash_secret(secret), role=role
    )
    return app, secret


def issue_token(key_id: str, key_secret: str) -> str:
    failures_key = f"baton:token-failures:{key_id[:64]}"
    if (cache.get(failures_key) or 0) >= _MAX_FAILURES:
        raise TooManyAttempts("Too many failed attempts for this key; wait a minute")
    app = ApiApplication.objects.filter(key_id=key_id, active=True).first()
    if app is None or not hmac.compare_digest(app.secret_hash, hash_secret(key_secret)):
        cache.set(failures_key, (cache.get(failures_key) or 0) + 1, timeout=60)
        raise TokenError("INVALID_TOKEN", "Invalid key id or secret")
    ApiApplication.objects.filter(pk=app.pk).update(last_used=timezone.now())
    now = int(time.time())
    claims = {"sub": app.key_id, "name": app.name, "role": app.role, "iat": now,
              "exp": now + baton.TOKEN_TTL_SECONDS}
    return jwt.encode(claims, settings.SECRET_KEY, algorithm=_ALGORITHM)


def verify_token(token: str) -> Principal:
    """The caller a token stands for; TokenError when it is refused."""
    principal = _verify(token, cached_only=False)
    assert principal is not None
    return principal


def verify_token_if_cached(token: str) -> Principal | None:
    """`verify_token` when it needs no query (the application's active flag is cached), else
    None: the async views then verify in a worker thread. The common case needs no thread hop."""
    return _verify(token, cached_only=True)


def _verify(token: str, cached_only: bool) -> Principal | None:
    claims = _claims(token)
    key_id = str(claims["sub"])
    if cached_only and not _active_is_cached(key_id):
        return None
    if not _is_active(key_id):
        raise TokenError("INVALID_TOKEN", "The application behind this token is disabled")
    return Principal(name=str(claims.get("name") or key_id), kind="app", role=str(claims.get("role") or "ADMIN"))


# Claims of tokens whose signature was checked, by token: a worker sends the same token on every
# request, and checking it again (base64, JSON, HMAC) cost a fifth of an empty poll's CPU. A
# hit still honours the expiry; revocation is `_is_active`'s, as before.
_CLAIMS_CACHE_SIZE = 1024
_claims_cache: dict[str, dict[str, Any]] = {}


def _claims(token: str) -> dict[str, Any]:
    claims = _claims_cache.get(token)
    if claims is not None:
        if claims["exp"] > time.time():
            return claims
        _claims_cache.pop(token, None)  # jwt.decode below says it expired
    try:
        claims = jwt.decode(token, settings.SECRET_KEY, algorithms=[_ALGORITHM], options={"require": ["exp", "sub"]})
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("EXPIRED_TOKEN", "Token expired") from exc
    except jwt.PyJWTError as exc:
        raise TokenError("INVALID_TOKEN", "Invalid token") from exc
    if len(_claims_cache) >= _CLAIMS_CACHE_SIZE:
        _claims_cache.clear()  # many distinct tokens: start over rather than track their ages
    _claims_cache[token] = claims
    return claims


def _active_is_cached(key_id: str) -> bool:
    cached = _active_cache.get(key_id)
    return cached is not None and time.monotonic() - cached[0] < _ACTIVE_CACHE_SECONDS


def _is_active(key_id: str) -> bool:
    # A revoked key stops working within _ACTIVE_CACHE_SECONDS without a query per request.
    now = time.monotonic()
    cached = _active_cache.get(key_id)
    if cached is not None and now - cached[0] < _ACTIVE_CACHE_SECONDS:
        return cached[1]
    active = ApiApplication.objects.filter(key_id=key_id, active=True).exists()
    _active_cache[key_id] = (now, active)
    return active
