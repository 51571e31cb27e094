"""Sign-in timings with many accounts (the login task's figures).

Seeds a scratch PostgreSQL database (created and dropped) with N users sharing one password hash
(SQL, generate_series), then times through Django's test client, in process (view, form,
throttle on the configured cache, queries, template):

- GET /login/?next=/inbox/;
- POST with a wrong password, and with an unknown username (both run the password hasher: Django
  hashes a dummy password for unknown users, so the two cost the same and timing tells nothing);
- POST for a locked username (refused by the throttle before any hashing);
- POST with the right password (the redirect to next).

    .venv/bin/python -m bench.login                 # 100,000 users
    .venv/bin/python -m bench.login --users 10000 --reps 5

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) like the tests (BATON_TEST_PG).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from bench.scratch import on_scratch_db, setup_django

SEED_SQL = """
INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
SELECT %(hash)s, false, 'user' || i, '', '', '', false, true, now() FROM generate_series(1, %(users)s) AS i;
ANALYZE auth_user;
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=10)
    args = parser.parse_args()
    return on_scratch_db("baton_bench_login", lambda url: _run(url, args.users, args.reps))


def _timed(fn: Callable[[int], object], reps: int) -> str:
    times = []
    for i in range(reps):
        t0 = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return f"p50 {statistics.median(times):7.1f} ms  p95 {times[max(0, round(0.95 * len(times)) - 1)]:7.1f} ms"


def _run(url: str, users: int, reps: int) -> int:
    setup_django(url)
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from orchestrator.accounts import throttle

    with connection.cursor() as cur:
        cur.execute(SEED_SQL, {"hash": make_password("bench-pass-1234"), "users": users})
    names = [f"user{1 + (i * 7919) % users}" for i in range(4 * reps)]  # spread over the table
    addresses = [f"198.51.100.{i % 250}" for i in range(8 * reps)]

    def post(address: str, username: str, password: str, want: int) -> None:
        response = Client(REMOTE_ADDR=address).post("/login/", {"username": username, "password": password,
                                                                "next": "/inbox/"})
        assert response.status_code == want, (response.status_code, want)

    def forget() -> None:
        cache.delete_many([k for n in [*names, "nobody"] for k in throttle.keys(n, None)]
                          + [k for a in addresses for k in throttle.keys("", a)])

    forget()
    try:
        backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        print(f"{users:,} users; cache {backend}; {reps} requests each")
        print("GET /login/            ", _timed(lambda i: Client().get("/login/?next=/inbox/"), reps))
        print("POST wrong password    ", _timed(lambda i: post(addresses[i], names[i], "wrong", 200), reps))
        print("POST unknown username  ", _timed(lambda i: post(addresses[reps + i], f"nobody{i}", "x", 200), reps))
        locked = names[reps]
        for i in range(throttle.LIMIT):
            post(addresses[2 * reps + i % reps], locked, "wrong", 200)
        print("POST locked (throttled)", _timed(lambda i: post(addresses[3 * reps + i], locked, "bench-pass-1234", 429),
                                                reps))
        print("POST right password    ", _timed(lambda i: post(addresses[4 * reps + i], names[2 * reps + i],
                                                                "bench-pass-1234", 302), reps))
    finally:
        forget()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
