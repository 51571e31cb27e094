"""Experiment only (not used by default): the project's settings with Django's PostgreSQL
connection pool (Django >= 5.1, needs the `psycopg-pool` package) instead of CONN_MAX_AGE.

Under ASGI, Django runs each request's sync code in a fresh thread (ThreadSensitiveContext), so
thread-local persistent connections (CONN_MAX_AGE) are never reused: every request opens a new
PostgreSQL connection. A process-wide pool fixes that. Try it with

    .venv/bin/python -m bench.run_bench --settings bench.settings_pooled
"""

from orchestrator.settings import *  # noqa: F403
from orchestrator.settings import DATABASES

_db = DATABASES["default"]
if _db["ENGINE"].endswith("postgresql"):
    _db["CONN_MAX_AGE"] = 0  # required with "pool"
    _db.setdefault("OPTIONS", {})["pool"] = {"min_size": 2, "max_size": 16, "timeout": 10}
