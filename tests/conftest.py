"""Shared fixtures. Live stacks start only when a test asks for one."""

from __future__ import annotations

import os
from collections.abc import Iterator

import dj_database_url
import pytest

from tests.live import PG_ADMIN_URL, Stack


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request: pytest.FixtureRequest,
                                 django_db_modify_db_settings_parallel_suffix: None) -> None:
    """A session that runs the database tier (tests/db) puts every in-process database test on
    PostgreSQL (BATON_TEST_PG's server): pytest-django sets the test database up once per
    session, so one session has one database. Other sessions keep the settings' database.

    The settings module chose its database from DATABASE_URL at import, before any conftest,
    so the `default` alias is re-pointed here, just before pytest-django creates the test
    database ("test_<NAME>", dropped at the end; a name per process, so checkouts testing side by
    side on one server do not collide).
    """
    if not any(item.get_closest_marker("db_tier") for item in request.session.items):
        return
    from asgiref.local import Local
    from django.conf import settings
    from django.db import connections

    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    config = dj_database_url.parse(f"{base}/baton_dbtier_{os.getpid()}")
    config["CONN_MAX_AGE"] = 0
    config["TEST"] = {"NAME": f"test_baton_dbtier_{os.getpid()}"}
    settings.DATABASES["default"] = config
    # The connection handler caches the settings it saw first: drop that cache and any
    # connection made from it.
    connections.close_all()
    connections.__dict__.pop("settings", None)
    connections._connections = Local(connections.thread_critical)


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
