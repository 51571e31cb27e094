"""A scratch PostgreSQL database with Django on it, for the benchmarks that time pages and
services in process (run_list, run_drawer, run_loops, task_page, human_api, inbox): created,
migrated, handed to the benchmark, dropped."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlparse, urlunparse

from .common import PG_ADMIN_URL

T = TypeVar("T")


def scratch_url(admin: str, name: str) -> str:
    return urlunparse(urlparse(admin)._replace(path="/" + name))


def on_scratch_db(prefix: str, body: Callable[[str], int]) -> int:
    """Run `body(database url)` on a new database `<prefix>_<pid>`, dropped afterwards."""
    import psycopg

    name = f"{prefix}_{os.getpid()}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        return body(scratch_url(PG_ADMIN_URL, name))
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def setup_django(url: str) -> None:
    """Django on `url`, migrated, with the test client's host and template signals."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orchestrator.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)


def staff_client() -> Any:
    """A test client signed in as a new superuser (the pages are staff-only)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.create_superuser("bench", "b@example.com", "pw-bench-12345"))
    return client


def p50_p95(times_ms: list[float]) -> tuple[float, float]:
    xs = sorted(times_ms)
    return statistics.median(xs), xs[max(0, int(round(0.95 * len(xs))) - 1)]


def timed(fn: Callable[[], T], reps: int) -> tuple[float, float, T]:
    """p50 and p95 in ms of `reps` calls after one warm-up call, and the warm-up's result."""
    out = fn()
    times: list[float] = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    p50, p95 = p50_p95(times)
    return p50, p95, out

