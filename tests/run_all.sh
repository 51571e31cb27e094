#!/usr/bin/env bash
# The whole suite: lint (ruff, ESLint), type-check, import layers (import-linter), then every test (unit, integration on
# PostgreSQL + Redis + real Celery/Daphne processes, the conductor-python SDK tests, the embedded
# default), the editor's Vitest suite and the browser tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONDONTWRITEBYTECODE=1
unset DATABASE_URL REDIS_URL
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/lint-imports
(cd editor/frontend && npm run --silent lint && npm run --silent typecheck && npm test --silent)
# addopts deselects the slow markers for quick local runs; here everything runs.
exec .venv/bin/pytest -q -p no:cacheprovider -o addopts="-ra --strict-markers" tests "$@"
