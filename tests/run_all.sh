#!/usr/bin/env bash
# The whole suite: lint, type-check the core, then every test (unit, integration on PostgreSQL +
# Redis + real Celery/Daphne processes, the conductor-python SDK tests, the embedded default).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONDONTWRITEBYTECODE=1
unset DATABASE_URL REDIS_URL
.venv/bin/ruff check .
.venv/bin/mypy
exec .venv/bin/pytest -q -p no:cacheprovider -m "not browser" tests "$@"
