"""The database tier: services and the store against a real PostgreSQL, with no processes.

pytest-django creates a throwaway test database on the server named by BATON_TEST_PG (the same
admin URL the live stacks use) and wraps each test in a transaction. The settings module picks
its database from DATABASE_URL at import time, before any conftest runs, so this tier re-points
the `default` alias here, before pytest-django creates the test database. Every test module in the tier
sets the `db_tier` marker (deselected by the default addopts, run by tests/run_all.sh).
"""

from __future__ import annotations

import os

import dj_database_url
import pytest
from asgiref.local import Local
from django.conf import settings
from django.db import connections

from tests.live import PG_ADMIN_URL


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    # A name per process, so checkouts testing side by side on one server do not collide
    # (pytest-django creates "test_<NAME>" and drops it at the end).
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    config = dj_database_url.parse(f"{base}/baton_dbtier_{os.getpid()}")
    config["CONN_MAX_AGE"] = 0
    config["TEST"] = {"NAME": f"test_baton_dbtier_{os.getpid()}"}
    settings.DATABASES["default"] = config
    # The connection handler caches the settings it saw first (SQLite when DATABASE_URL is
    # unset): drop that cache and any connection made from it.
    connections.close_all()
    connections.__dict__.pop("settings", None)
    connections._connections = Local(connections.thread_critical)


@pytest.fixture()
def start(db: None):  # type: ignore[no-untyped-def]
    """Register a definition and start an execution of it: `start(doc, input) -> workflow id`."""
    from orchestrator.services import definitions, workflows

    def run(doc: dict, wf_input: dict | None = None) -> str:  # type: ignore[type-arg]
        definitions.save_workflow_def(doc, overwrite=True)
        return workflows.start(workflows.StartRequest(name=doc["name"], input=wf_input or {}))

    return run
