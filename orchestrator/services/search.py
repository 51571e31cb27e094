"""Workflow and task search (Conductor's query language over the primary database)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from executions.store import search as store_search

from .errors import InvalidInput

if TYPE_CHECKING:
    from executions.models import Task, Workflow

MAX_PAGE = store_search.MAX_PAGE


def search_workflows(text: str | None, free_text: str | None, sort: str | None,
                     start: int, size: int) -> tuple[int, list[Workflow]]:
    try:
        return store_search.search_workflows(text, free_text, sort, start, size)
    except store_search.SearchError as exc:
        raise InvalidInput(str(exc)) from exc


def search_tasks(text: str | None, free_text: str | None, sort: str | None,
                 start: int, size: int) -> tuple[int, list[Task]]:
    try:
        return store_search.search_tasks(text, free_text, sort, start, size)
    except store_search.SearchError as exc:
        raise InvalidInput(str(exc)) from exc
