"""Failed sign-ins counted per username and per client address in the Django cache.

After LIMIT failures for one key within WINDOW seconds, further attempts for that key are refused
without checking the password, until the oldest of those failures ages out. Each key holds the
times of its recent failures (at most LIMIT) rather than a counter: `cache.incr` on the file
cache (the embedded default) rewrites the entry with the default timeout, which would shorten
the window; a list set with an explicit timeout behaves the same on the file cache and on Redis.
Read-modify-write is not atomic: concurrent failures may be counted once, a bound we accept for a
sign-in form (the lock still closes after at most a few extra tries).
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache

LIMIT = 10
WINDOW = 15 * 60  # seconds
_PREFIX = "baton:login-failures:"


def keys(username: str, address: str | None) -> list[str]:
    """Cache keys for one attempt. Usernames are hashed (any length or character is a valid
    key) and case-folded, as attackers would otherwise get LIMIT tries per spelling."""
    out = []
    if username:
        out.append(_PREFIX + "user:" + hashlib.sha256(username.casefold().encode()).hexdigest())
    if address:
        out.append(_PREFIX + "addr:" + address)
    return out


def _recent(key: str, now: float) -> list[float]:
    stamps = cache.get(key) or []
    return [t for t in stamps if now - t < WINDOW]


def retry_after(username: str, address: str | None, now: float | None = None) -> int:
    """Seconds until an attempt for these keys is allowed again; 0 when it is allowed now."""
    now = time.time() if now is None else now
    wait = 0.0
    for key in keys(username, address):
        recent = _recent(key, now)
        if len(recent) >= LIMIT:
            # allowed again once enough of the window's failures have aged out
            wait = max(wait, sorted(recent)[-LIMIT] + WINDOW - now)
    return max(0, int(wait + 0.999))


def record_failure(username: str, address: str | None, now: float | None = None) -> None:
    now = time.time() if now is None else now
    for key in keys(username, address):
        recent = _recent(key, now)
        recent.append(now)
        cache.set(key, recent[-LIMIT:], timeout=WINDOW)


def forget_username(username: str) -> None:
    """A good sign-in clears its username's failures; the address keeps its count (one address
    guessing many accounts stays throttled even if it owns one of them)."""
    cache.delete_many(keys(username, None))
