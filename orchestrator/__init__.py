"""Baton: Conductor-compatible workflow orchestration on Django, Celery and PostgreSQL.

Importing this package loads nothing else, so the pure engine under it imports no Django and no
Celery. The Celery app (`orchestrator.celery`) is loaded when Django starts, by
`OrchestratorConfig.ready()`; `celery -A orchestrator` finds it as the `celery` submodule.
"""
