"""The database tier: services and the store against a real PostgreSQL, with no processes.

pytest-django creates a throwaway test database on the server named by BATON_TEST_PG (the same
admin URL the live stacks use; see `django_db_modify_db_settings` in tests/conftest.py) and wraps
each test in a transaction. Every test module here sets the `db_tier` marker (deselected by the
default addopts, run by tests/run_all.sh).
"""

from __future__ import annotations

import pytest


@pytest.fixture()
def start(db: None):  # type: ignore[no-untyped-def]
    """Register a definition and start an execution of it: `start(doc, input) -> workflow id`."""
    from orchestrator.services import definitions, workflows

    def run(doc: dict, wf_input: dict | None = None) -> str:  # type: ignore[type-arg]
        definitions.save_workflow_def(doc, overwrite=True)
        return workflows.start(workflows.StartRequest(name=doc["name"], input=wf_input or {}))

    return run
