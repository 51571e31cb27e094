# Baton: `make run` brings the whole system up; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
BATON_PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test unit lint typecheck install clean editor browser

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

EDITOR := editor/frontend
EDITOR_MANIFEST := static/editor/.vite/manifest.json
EDITOR_SOURCES := $(shell find $(EDITOR)/src -type f 2>/dev/null) $(EDITOR)/package.json $(EDITOR)/vite.config.ts $(EDITOR)/tsconfig.json

EDITOR_DEPS := $(EDITOR)/node_modules/.package-lock.json

$(EDITOR_DEPS): $(EDITOR)/package-lock.json
	cd $(EDITOR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(EDITOR_MANIFEST): $(EDITOR_DEPS) $(EDITOR_SOURCES)
	cd $(EDITOR) && npm run build

editor: $(EDITOR_MANIFEST)

browser: $(STAMP) editor
	$(VENV)/bin/pytest -q -p no:cacheprovider -m browser tests/browser

run: $(STAMP) editor
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py bootstrap --port $(BATON_PORT)
	$(PY) manage.py serve --port $(BATON_PORT)

test: $(STAMP) editor
	bash tests/run_all.sh

unit: $(STAMP)
	$(VENV)/bin/pytest -q tests/unit

# mypy: the engine and system tasks, and the Django half (services, api, executions) with the
# django-stubs plugin; tsc: the editor. tests/run_all.sh (make test) runs the same checks.
typecheck: $(STAMP) $(EDITOR_DEPS)
	$(VENV)/bin/mypy
	cd $(EDITOR) && npm run --silent typecheck

lint: typecheck
	$(VENV)/bin/ruff check .
	cd $(EDITOR) && npm run --silent lint
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) var
