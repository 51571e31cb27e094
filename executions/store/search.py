"""Workflow and task search from the primary database (no search engine to install).

Conductor's query language (parsed by `store.query`, which is pure) compiles to querysets over
execution rows here; `services.search` turns a `SearchError` into the API's 400.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from ..models import Task, Workflow
from . import query


class SearchError(ValueError):
    pass

WORKFLOW_FIELDS = {
    "workflowId": "id", "workflowType": "name", "version": "version", "status": "status",
    "correlationId": "correlation_id", "startTime": "create_time", "updateTime": "update_time",
    "endTime": "end_time", "priority": "priority", "parentWorkflowId": "parent_workflow_id",
    "idempotencyKey": "idempotency_key", "createdBy": "created_by",
}
TASK_FIELDS = {
    "taskId": "id", "workflowId": "workflow_id", "taskType": "task_type", "taskDefName": "def_name",
    "referenceTaskName": "ref", "status": "status", "startTime": "start_time", "updateTime": "update_time",
    "endTime": "end_time", "scheduledTime": "scheduled_time", "workerId": "worker_id", "domain": "domain",
    "workflowType": "workflow__name",
}
_TIME_FIELDS = {"create_time", "update_time", "end_time", "start_time", "scheduled_time"}
_INT_FIELDS = {"version", "priority"}
MAX_PAGE = 1000

def _value(column: str, raw: str) -> Any:
    if column in _TIME_FIELDS:
        try:
            return datetime.fromtimestamp(int(raw) / 1000, tz=UTC)
        except ValueError:
            try:
                return datetime.fromisoformat(raw.replace("Z", "+00:00"))
            except ValueError as exc:
                raise SearchError(f"query: {raw!r} is neither epoch milliseconds nor an ISO time") from exc
    if column in _INT_FIELDS:
        try:
            return int(raw)
        except ValueError as exc:
            raise SearchError(f"query: {raw!r} is not a number") from exc
    return raw


def _q(node: query.Node, columns: dict[str, str]) -> Q:
    if isinstance(node, query.BoolOp):
        left, right = _q(node.left, columns), _q(node.right, columns)
        return left & right if node.op == "AND" else left | right
    column = columns[node.field]
    values = [_value(column, v) for v in node.values]
    lookups = {"=": "exact", ">": "gt", "<": "lt", ">=": "gte", "<=": "lte", "IN": "in", "NOT IN": "in"}
    if node.op in ("IN", "NOT IN"):
        q = Q(**{f"{column}__in": values})
        return ~q if node.op == "NOT IN" else q
    if column in _TIME_FIELDS and node.op in ("=", "!=", ">", "<="):
        # Stored times have microseconds, queries have milliseconds: compare whole milliseconds.
        low, high = values[0], values[0] + timedelta(milliseconds=1)
        within = Q(**{f"{column}__gte": low, f"{column}__lt": high})
        return {"=": within, "!=": ~within, ">": Q(**{f"{column}__gte": high}),
                "<=": Q(**{f"{column}__lt": high})}[node.op]
    if node.op == "!=":
        return ~Q(**{column: values[0]})
    return Q(**{f"{column}__{lookups[node.op]}": values[0]})


def _page(rows: QuerySet[Any], start: int, size: int) -> tuple[int, list[Any]]:
    if start < 0 or not (0 <= size <= MAX_PAGE):
        raise SearchError(f"start must be ≥ 0 and size between 0 and {MAX_PAGE}")
    return rows.count(), list(rows[start:start + size])


def _apply(rows: QuerySet[Any], columns: dict[str, str], text: str | None, sort: str | None,
           free_text: str | None, text_fields: tuple[str, ...], default_order: str) -> QuerySet[Any]:
    try:
        node = query.parse(text, frozenset(columns))
        order = query.parse_sort(sort, frozenset(columns))
    except query.QueryError as exc:
        raise SearchError(str(exc)) from exc
    if node is not None:
        rows = rows.filter(_q(node, columns))
    if free_text and free_text.strip() not in ("", "*"):
        annotations = {f"_{f}_text": Cast(f, TextField()) for f in text_fields}
        rows = rows.annotate(**annotations)
        match = Q()
        for name in annotations:
            match |= Q(**{f"{name}__icontains": free_text.strip()})
        rows = rows.filter(match)
    if order:
        return rows.order_by(*[("-" if desc else "") + columns[f] for f, desc in order])
    return rows.order_by(default_order)


def search_workflows(text: str | None, free_text: str | None, sort: str | None,
                     start: int, size: int) -> tuple[int, list[Workflow]]:
    rows = Workflow.objects.all()
    rows = _apply(rows, WORKFLOW_FIELDS, text, sort, free_text, ("input", "output", "id", "correlation_id"),
                  "-create_time")
    return _page(rows, start, size)


def search_tasks(text: str | None, free_text: str | None, sort: str | None,
                 start: int, size: int) -> tuple[int, list[Task]]:
    rows = Task.objects.select_related("workflow")
    rows = _apply(rows, TASK_FIELDS, text, sort, free_text, ("input", "output", "id"), "-scheduled_time")
    return _page(rows, start, size)
