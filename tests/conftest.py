"""Shared fixtures. Live stacks start only when a test asks for one.

Tests marked django_db (tests/db_api, the editor page test) run on PostgreSQL like production:
unless DATABASE_URL already names a PostgreSQL server, the default database is pointed at
BATON_TEST_PG (the server tests/live.py uses) before pytest-django creates its test database,
named per process so parallel checkouts do not collide. This lives here, not in a directory's
conftest, because pytest-django builds one test database per session. Tests that reach the
database from another thread (async views, consumers) use `transaction=True`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import dj_database_url
import pytest

from tests.live import PG_ADMIN_URL, Stack


@pytest.fixture(scope="session")
def pg_stack() -> Iterator[Stack]:
    stack = Stack("postgres").start()
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def embedded_stack() -> Iterator[Stack]:
    stack = Stack("embedded").start()
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def open_stack() -> Iterator[Stack]:
    """An embedded stack with BATON_AUTH=off."""
    stack = Stack("embedded", auth=False).start()
    yield stack
    stack.stop()


@pytest.fixture()
def api(pg_stack: Stack):  # type: ignore[no-untyped-def]
    with pg_stack.client() as client:
        yield client


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    from django.conf import settings
    from django.db import connections

    current = settings.DATABASES["default"]
    if current["ENGINE"].endswith("postgresql"):
        return
    url = f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/baton_db_{os.getpid()}"
    # The connection handler holds this very dict: replace its contents in place, with the
    # defaults the handler would have filled in.
    replacement = connections.configure_settings({"default": dj_database_url.parse(url)})["default"]
    replacement.setdefault("OPTIONS", {}).update(settings.BATON_PG_OPTIONS)  # production's binding
    current.clear()
    current.update(replacement)
    try:  # a wrapper already built for SQLite in this thread would keep its backend
        connections["default"].close()
        del connections["default"]
    except AttributeError:
        pass


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """pytest-django's, plus: end the sessions worker threads left open, so the drop succeeds."""
    yield
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                       " WHERE datname = current_database() AND pid <> pg_backend_pid()")
