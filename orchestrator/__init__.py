"""Baton: Conductor-compatible workflow orchestration on Django, Celery and PostgreSQL."""

from .celery import app as celery_app

__all__ = ("celery_app",)
