"""The embedded default's claim (SQLite): one UPDATE ... RETURNING plus its events' INSERT.

The test database of this tier is PostgreSQL, so the SQLite claim runs in a subprocess with the
embedded settings on a freshly migrated SQLite file (`sqlite_claim_probe.py`), and reports back.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.db_tier]

ROOT = Path(__file__).resolve().parents[2]
# The claim's UPDATE ... RETURNING, one INSERT (executemany) of the "task started" events, the
# claimed tasks' workflow rows. The four ORM statements it replaced: select, update, re-read,
# insert (and one update more per distinct response timeout).
CLAIM_STATEMENTS = 3


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(BATON_VAR_DIR=str(tmp_path_factory.mktemp("embedded")), PYTHONPATH=str(ROOT))
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("manage.py", "migrate", "-v0")
    return json.loads(run("-m", "tests.db.sqlite_claim_probe").strip().splitlines()[-1])


def test_sqlite_is_new_enough_for_returning() -> None:
    assert sqlite3.sqlite_version_info >= (3, 35, 0)


def test_the_embedded_claim_is_one_update_returning_plus_its_events(probe: dict[str, Any]) -> None:
    statements = probe["statements"]
    assert len(statements) == CLAIM_STATEMENTS, "\n".join(statements)
    assert statements[0].lstrip().startswith("UPDATE executions_task") and "RETURNING" in statements[0]
    assert "INSERT INTO executions_executionevent" in statements[1]


def test_the_embedded_claim_keeps_poll_order_domain_and_takes_each_task_once(probe: dict[str, Any]) -> None:
    started = probe["started"]
    assert probe["first"] == [started["5"], started["3"]]  # highest priority first, count honoured
    assert probe["rest"] == [started["1"]]
    assert probe["blue"] == [probe["in_domain"]]  # a domain's task only for a poll of that domain
    assert probe["again"] == 0
    assert probe["workflow_attached"]


def test_the_embedded_claim_writes_the_claim_columns_and_its_event(probe: dict[str, Any]) -> None:
    workers = ["w-1", "w-1", "w-2", "w-3"]
    assert [r["worker"] for r in probe["rows"]] == workers
    for row in probe["rows"]:
        assert (row["status"], row["poll_count"]) == ("IN_PROGRESS", 1)
        assert row["lease_minus_start_s"] == 3600.0  # microseconds kept: exactly the response timeout
        assert row["update_is_start"] and row["returned_matches_row"]
        assert row["event_statuses"] == ["SCHEDULED", "IN_PROGRESS"]
        assert row["event_is_claim_event"] and row["event_created_is_start"]
