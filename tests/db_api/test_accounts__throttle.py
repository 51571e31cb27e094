"""Sign-in throttling: after LIMIT failures for one username, or from one address, within the
window, further attempts for that key are refused (429, a clear message) without checking the
password, on the site's configured cache. Time is injected where the window matters."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client, override_settings

from orchestrator.accounts import throttle

pytestmark = [
    pytest.mark.db_tier, pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),  # WhiteNoise: no collectstatic here
]

PASSWORD = "approver-pass-1234"
NAMES = ["ann", "bob", "Ann", "mallory"] + [f"guess{i}" for i in range(throttle.LIMIT)]
ADDRESSES = [f"203.0.113.{i}" for i in range(20, 26)]  # documentation addresses, this file's own


@pytest.fixture(autouse=True)
def clean_keys() -> Iterator[None]:
    every = [k for n in NAMES for k in throttle.keys(n, None)] + [k for a in ADDRESSES for k in throttle.keys("", a)]
    cache.delete_many(every)
    yield
    cache.delete_many(every)


def attempt(address: str, username: str, password: str):  # type: ignore[no-untyped-def]
    return Client(REMOTE_ADDR=address).post("/login/", {"username": username, "password": password, "next": "/inbox/"})


def test_a_username_is_locked_after_limit_failures_even_for_the_right_password() -> None:
    User.objects.create_user("ann", password=PASSWORD)
    for i in range(throttle.LIMIT):
        # from different addresses: only the username's count reaches the limit
        response = attempt(ADDRESSES[i % 3], "ann", "wrong")
        assert response.status_code == 200, i
    response = attempt(ADDRESSES[3], "Ann", PASSWORD)  # another spelling of the same name, the right password
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    assert b"Try again in 15 minutes." in response.content
    assert "_auth_user_id" not in response.wsgi_request.session
    User.objects.create_user("bob", password=PASSWORD)
    assert attempt(ADDRESSES[3], "bob", PASSWORD).status_code == 302  # other accounts are untouched


def test_an_address_is_locked_after_limit_failures_across_usernames() -> None:
    User.objects.create_user("bob", password=PASSWORD)
    for i in range(throttle.LIMIT):
        assert attempt(ADDRESSES[4], f"guess{i}", "wrong").status_code == 200
    locked = attempt(ADDRESSES[4], "bob", PASSWORD)
    assert locked.status_code == 429 and b"from this address" in locked.content
    assert attempt(ADDRESSES[5], "bob", PASSWORD)["Location"] == "/inbox/"  # elsewhere bob signs in


def test_unknown_usernames_are_throttled_like_real_ones() -> None:
    # the same count and message whether the account exists: the lock reveals nothing either
    for _ in range(throttle.LIMIT):
        attempt(ADDRESSES[0], "mallory", "wrong")
    assert attempt(ADDRESSES[1], "mallory", "wrong").status_code == 429


def test_a_good_sign_in_clears_the_usernames_failures_but_not_the_addresses() -> None:
    User.objects.create_user("ann", password=PASSWORD)
    for _ in range(throttle.LIMIT - 1):
        attempt(ADDRESSES[0], "ann", "wrong")
    assert attempt(ADDRESSES[1], "ann", PASSWORD).status_code == 302
    assert throttle.retry_after("ann", None) == 0
    attempt(ADDRESSES[1], "ann", "wrong")
    assert attempt(ADDRESSES[2], "ann", PASSWORD).status_code == 302  # one new failure is far from the limit
    attempt(ADDRESSES[0], "bob", "wrong")  # the address's tenth failure
    assert throttle.retry_after("", ADDRESSES[0]) > 0


def test_the_window_slides_failures_age_out() -> None:
    t0 = 1_000_000.0
    for i in range(throttle.LIMIT):
        throttle.record_failure("ann", None, now=t0 + i)  # one a second
    assert throttle.retry_after("ann", None, now=t0 + throttle.LIMIT - 1) == throttle.WINDOW - throttle.LIMIT + 1
    assert throttle.retry_after("ann", None, now=t0 + throttle.WINDOW - 1) == 1  # the first is about to age out
    assert throttle.retry_after("ann", None, now=t0 + throttle.WINDOW) == 0  # it has: nine left in the window
    throttle.record_failure("ann", None, now=t0 + throttle.WINDOW)
    assert throttle.retry_after("ann", None, now=t0 + throttle.WINDOW) > 0  # ten again
    assert throttle.retry_after("bob", None, now=t0) == 0


def test_fewer_than_limit_failures_never_lock() -> None:
    t0 = 2_000_000.0
    for i in range(throttle.LIMIT - 1):
        throttle.record_failure("ann", ADDRESSES[0], now=t0 + i)
    assert throttle.retry_after("ann", ADDRESSES[0], now=t0 + throttle.LIMIT) == 0
    assert len(cache.get(throttle.keys("ann", None)[0])) == throttle.LIMIT - 1


# The embedded default's file cache and Redis (the REDIS_URL deployment): the same lock on each.
# Only this file's keys are written and deleted, so a Redis database shared with a test stack is safe.
_REDIS_DB = 1 + (int(os.environ.get("BATON_TEST_REDIS_DB_START", "1")) - 1) % 14
BACKENDS = {
    "file": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": "var/test-throttle-cache"},
    "redis": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"redis://127.0.0.1:6379/{_REDIS_DB}"},
}


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_the_lock_holds_on_each_cache_backend(backend: str) -> None:
    with override_settings(CACHES={"default": BACKENDS[backend]}):
        cache.delete_many(throttle.keys("ann", ADDRESSES[0]))
        try:
            User.objects.create_user("ann", password=PASSWORD)
            for _ in range(throttle.LIMIT):
                assert attempt(ADDRESSES[0], "ann", "wrong").status_code == 200
            assert attempt(ADDRESSES[1], "ann", PASSWORD).status_code == 429
            wait = throttle.retry_after("ann", None)
            assert throttle.WINDOW - 60 < wait <= throttle.WINDOW  # the window, not the cache's default 300 s
        finally:
            cache.delete_many(throttle.keys("ann", ADDRESSES[0]))


def test_the_admins_own_login_is_throttled_with_the_same_counts() -> None:
    User.objects.create_user("ann", password=PASSWORD, is_staff=True)
    for i in range(throttle.LIMIT - 1):
        assert attempt(ADDRESSES[i % 2], "ann", "wrong").status_code == 200  # through /login/
    client = Client(REMOTE_ADDR=ADDRESSES[2])
    wrong = client.post("/admin/login/", {"username": "ann", "password": "wrong", "next": "/admin/"})
    assert b"staff account" in wrong.content  # the admin's own message, and the tenth failure
    locked = client.post("/admin/login/", {"username": "ann", "password": PASSWORD, "next": "/admin/"})
    assert locked.status_code == 200 and b"Too many failed sign-in attempts" in locked.content
    assert client.get("/admin/").status_code == 302  # not signed in
    assert attempt(ADDRESSES[3], "ann", PASSWORD).status_code == 429  # and /login/ agrees
