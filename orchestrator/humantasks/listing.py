"""The inbox list's filters and sorting, read from the URL (a GET form, so it works without JS).

`parse` turns query parameters into a `Query` and a field → message dict of what it refused (the
page shows those and ignores the bad filter; never a 500); `narrow` applies a Query to a
HumanTask queryset. Sorting:

    due       soonest due first (tasks without a due time last), then the most urgent
    priority  the most urgent first, then the soonest due
    created   oldest first (first come, first served)     -created  newest first
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import F, QuerySet
from django.utils.timesince import timesince, timeuntil

from orchestrator.systemtasks.human_timing import MAX_PRIORITY

SORTS = {
    "due": (F("due_at").asc(nulls_last=True), F("priority").desc(), F("created").asc()),
    "priority": (F("priority").desc(), F("due_at").asc(nulls_last=True), F("created").asc()),
    "created": (F("created").asc(),),
    "-created": (F("created").desc(),),
}
SORT_LABELS = {"due": "Due soonest", "priority": "Priority", "created": "Oldest first", "-created": "Newest first"}
MAX_TEXT = 255
PAGE_ROWS = 100  # rows shown per tab; the count says how many more the filters would reveal


@dataclass(frozen=True)
class Query:
    workflow: str = ""  # the workflow's name, exact
    correlation_id: str = ""
    min_priority: int | None = None  # priority at least this
    overdue: bool = False  # open tasks past their due time; done tasks decided after it
    sort: str = ""  # "" = the tab's own order

    def params(self, **change: Any) -> str:
        """This query as a URL query string (for the tab links), with `change` applied."""
        values = {"workflow": self.workflow, "correlationId": self.correlation_id,
                  "priority": "" if self.min_priority is None else str(self.min_priority),
                  "overdue": "1" if self.overdue else "", "sort": self.sort, **change}
        return urlencode({k: v for k, v in values.items() if v})

    @property
    def active(self) -> bool:
        return bool(self.workflow or self.correlation_id or self.min_priority is not None or self.overdue)


def parse(params: Mapping[str, str]) -> tuple[Query, dict[str, str]]:
    errors: dict[str, str] = {}
    texts: dict[str, str] = {}
    for key in ("workflow", "correlationId"):
        text = (params.get(key) or "").strip()
        if len(text) > MAX_TEXT:
            errors[key] = f"{key}: longer than {MAX_TEXT} characters"
            text = ""
        texts[key] = text
    min_priority: int | None = None
    raw = (params.get("priority") or "").strip()
    if raw:
        if re.fullmatch(r"[0-9]{1,2}", raw) and int(raw) <= MAX_PRIORITY:
            min_priority = int(raw)
        else:
            errors["priority"] = f"priority: {raw[:40]!r} is not a whole number from 0 to {MAX_PRIORITY}"
    overdue_raw = (params.get("overdue") or "").strip().lower()
    if overdue_raw not in ("", "0", "1", "true", "false", "on"):
        errors["overdue"] = f"overdue: {overdue_raw[:40]!r} is not 1 or 0"
    sort = (params.get("sort") or "").strip()
    if sort and sort not in SORTS:
        errors["sort"] = f"sort: {sort[:40]!r} is not one of {', '.join(SORTS)}"
        sort = ""
    query = Query(texts["workflow"], texts["correlationId"], min_priority, overdue_raw in ("1", "true", "on"), sort)
    return query, errors


def narrow(qs: QuerySet[Any], query: Query, now: datetime, *, done: bool = False) -> QuerySet[Any]:
    if query.workflow:
        qs = qs.filter(workflow_name=query.workflow)
    if query.correlation_id:
        qs = qs.filter(correlation_id=query.correlation_id)
    if query.min_priority is not None:
        qs = qs.filter(priority__gte=query.min_priority)
    if query.overdue:
        qs = qs.filter(decided_at__gt=F("due_at")) if done else qs.filter(due_at__lt=now)
    if query.sort:
        qs = qs.order_by(*SORTS[query.sort])
    return qs


@dataclass(frozen=True)
class Line:
    """One row of the list as shown: the task and whether it is past its due time."""

    row: Any
    overdue: bool
    due_text: str = ""  # "overdue by 2 hours" / "in 3 hours, 10 minutes" (open tasks)


def line(row: Any, now: datetime) -> Line:
    """Overdue: still open past its due time, or decided after it."""
    if row.due_at is None:
        return Line(row, False)
    if row.status in ("OPEN", "CLAIMED"):
        late = now > row.due_at
        span = timesince(row.due_at, now) if late else timeuntil(row.due_at, now)
        span = "under a minute" if span.startswith("0\xa0minutes") else span
        return Line(row, late, f"overdue by {span}" if late else f"in {span}")
    return Line(row, row.decided_at is not None and row.decided_at > row.due_at)
