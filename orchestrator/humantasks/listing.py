"""The REST list's query: which of a user's inbox lists (scope), narrowed by filters and sorted.
A bad parameter is a 400 naming it, never an empty list that hides the mistake."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from executions.models import Workflow
from orchestrator.api.exceptions import BadRequest

from .models import HumanTask

SCOPES = ("mine", "claimable", "done")
SORTS: dict[str, Any] = {
    "created": lambda r: r.created,
    "priority": lambda r: r.priority,
    "workflow": lambda r: r.workflow_name,
    # Tasks without a due time sort last either way round.
    "due": lambda r: (getattr(r, "due_at", None) is None, getattr(r, "due_at", None) or r.created),
}
TRUE, FALSE = ("true", "1", "yes"), ("false", "0", "no")


def _flag(params: Mapping[str, str], key: str) -> bool | None:
    value = params.get(key, "").strip().lower()
    if not value:
        return None
    if value in TRUE or value in FALSE:
        return value in TRUE
    raise BadRequest(f"{key}: {value!r} is not true or false")


def _sort(rows: list[HumanTask], spec: str) -> list[HumanTask]:
    for part in reversed([p.strip() for p in spec.split(",") if p.strip()]):
        key = part.removeprefix("-")
        if key not in SORTS:
            raise BadRequest(f"sort: {part!r} is not one of {', '.join(SORTS)} (prefix - for descending)")
        rows = sorted(rows, key=SORTS[key], reverse=part.startswith("-"))  # stable: earlier keys win
    return rows


def filtered(lists: Mapping[str, list[HumanTask]], params: Mapping[str, str], now: datetime) -> list[HumanTask]:
    scope = params.get("scope", "mine")
    if scope not in SCOPES:
        raise BadRequest(f"scope: {scope!r} is not one of {', '.join(SCOPES)}")
    rows = list(lists[scope])
    if workflow := params.get("workflow", "").strip():
        rows = [r for r in rows if r.workflow_name == workflow]
    if priority := params.get("priority", "").strip():
        try:
            at_least = int(priority)
        except ValueError:
            raise BadRequest(f"priority: {priority!r} is not a whole number") from None
        rows = [r for r in rows if r.priority >= at_least]
    if correlation := params.get("correlationId", "").strip():
        ids = set(Workflow.objects.filter(pk__in=[r.workflow_id for r in rows], correlation_id=correlation)
                  .values_list("id", flat=True))
        rows = [r for r in rows if r.workflow_id in ids]
    overdue = _flag(params, "overdue")
    if overdue is not None:
        late = {r.pk for r in rows if (due := getattr(r, "due_at", None)) is not None and due < now}
        rows = [r for r in rows if (r.pk in late) == overdue]
    return _sort(rows, params.get("sort", "").strip() or "-priority,created")
