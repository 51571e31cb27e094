"""The run list's filter, read from the URL (so a filtered list is a link) and checked field by field.

Pure: no ORM. `executions.store.runlist` turns a `RunFilter` into a query. Bad input becomes a
`FilterError` per field, which the page shows beside that field (status 400), never a 500.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from orchestrator.engine.status import WorkflowStatus

STATUSES = tuple(s.value for s in WorkflowStatus)
# URL value → (column, descending). The id is the keyset tie-breaker of every order.
SORTS = {
    "-started": ("create_time", True), "started": ("create_time", False),
    "-updated": ("update_time", True), "updated": ("update_time", False),
    "name": ("name", False), "-name": ("name", True),
}
DEFAULT_SORT = "-started"
PAGE_SIZES = (25, 50, 100, 200)
# A key path into the input: dotted identifiers. No "__", which Django would read as a lookup.
_KEY = re.compile(r"^[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*)*$")


class FilterError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class InputMatch:
    """`key=value` over the workflow input; `value` as typed, `scalar` its JSON reading if any."""

    path: tuple[str, ...]
    value: str
    scalar: Any = None


@dataclass(frozen=True)
class TagMatch:
    """`key:value` (or just `key`, any value) over the tags of the run's workflow definition."""

    key: str
    value: str | None = None
    scalar: Any = None


@dataclass(frozen=True)
class RunFilter:
    statuses: tuple[str, ...] = ()
    name: str = ""
    version: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    id_prefix: str = ""
    correlation_id: str = ""
    text: str = ""
    inputs: tuple[InputMatch, ...] = ()
    tags: tuple[TagMatch, ...] = ()
    failed_ref: str = ""  # runs with a failed (FAILED, FAILED_WITH_TERMINAL_ERROR, TIMED_OUT) task of this ref
    failed_reason: str = ""  # ... whose reason contains this
    queue: str = ""  # runs with a task waiting in (SCHEDULED) or taken from (IN_PROGRESS) this queue
    sort: str = DEFAULT_SORT
    size: int = 50
    after: tuple[Any, str] | None = None  # keyset cursor: (sort value, id) of the last row shown
    raw: Mapping[str, Sequence[str]] = field(default_factory=dict, compare=False)


def _time(raw: str) -> datetime:
    """An ISO date or time (what <input type=datetime-local> sends), or epoch milliseconds; UTC if naive."""
    if raw.isdigit():
        return datetime.fromtimestamp(int(raw) / 1000, tz=UTC)
    value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _input_match(raw: str) -> InputMatch:
    key, sep, value = raw.partition("=")
    key = key.strip()
    if not sep or not _KEY.match(key) or "__" in key:
        raise ValueError(f"{raw!r} is not key=value (key: letters, digits, _ and dots)")
    value, scalar = _scalar(value.strip())  # key="A-1": the quotes only say "a string"; key=42 matches 42 and "42"
    return InputMatch(tuple(key.split(".")), value, scalar)


def _scalar(value: str) -> tuple[str, Any]:
    """A typed value: `"A-1"` is the string A-1; `42` also matches the number 42, `true` the boolean."""
    try:
        parsed = json.loads(value)
    except ValueError:
        return value, None
    if isinstance(parsed, str):
        return parsed, None
    if isinstance(parsed, bool | int | float):
        return value, parsed
    return value, None


def _tag_match(raw: str) -> TagMatch:
    key, sep, value = raw.partition(":")
    key = key.strip()
    if not key or len(key) > 255:
        raise ValueError(f"{raw!r} is not key:value (or key) of a workflow tag")
    if not sep:
        return TagMatch(key)
    text, scalar = _scalar(value.strip())
    return TagMatch(key, text, scalar)


def encode_cursor(value: Any, row_id: str) -> str:
    stamp = value.isoformat() if isinstance(value, datetime) else value
    return base64.urlsafe_b64encode(json.dumps([stamp, row_id]).encode()).decode().rstrip("=")


def _decode_cursor(raw: str, sort: str) -> tuple[Any, str]:
    value, row_id = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    if not isinstance(row_id, str) or not isinstance(value, str):
        raise ValueError("malformed")
    column, _ = SORTS[sort]
    return (datetime.fromisoformat(value) if column.endswith("_time") else value), row_id


def parse(params: Mapping[str, Sequence[str]]) -> RunFilter:
    """The filter a query string describes. Raises FilterError naming every bad field."""
    def one(name: str) -> str:
        values = params.get(name) or [""]
        return (values[-1] or "").strip()

    errors: dict[str, str] = {}
    values: dict[str, Any] = {"raw": params}
    picked = (s.strip().upper() for v in params.get("status", []) for s in v.split(","))
    statuses = tuple(dict.fromkeys(s for s in picked if s))
    bad = [s for s in statuses if s not in STATUSES]
    if bad:
        errors["status"] = f"unknown status {', '.join(bad)}; one of {', '.join(STATUSES)}"
    values["statuses"] = statuses
    values.update(name=one("name"), id_prefix=one("id"), correlation_id=one("correlation"), text=one("q"))
    if one("version"):
        try:
            values["version"] = int(one("version"))
        except ValueError:
            errors["version"] = f"{one('version')!r} is not a whole number"
    for name, key in (("from", "since"), ("to", "until")):
        if one(name):
            try:
                values[key] = _time(one(name))
            except (ValueError, OverflowError, OSError):
                errors[name] = f"{one(name)!r} is not a date or time (2026-12-02T14:30, or epoch ms)"
    matches = []
    for raw in params.get("input", []):
        if raw.strip():
            try:
                matches.append(_input_match(raw))
            except ValueError as exc:
                errors["input"] = str(exc)
    values["inputs"] = tuple(matches)
    tags = []
    for raw in params.get("tag", []):
        if raw.strip():
            try:
                tags.append(_tag_match(raw))
            except ValueError as exc:
                errors["tag"] = str(exc)
    values["tags"] = tuple(dict.fromkeys(tags))
    for name, key in (("failed_ref", "failed_ref"), ("reason", "failed_reason"), ("queue", "queue")):
        if len(one(name)) > 255:
            errors[name] = "at most 255 characters"
        values[key] = one(name)
    sort = one("sort") or DEFAULT_SORT
    if sort not in SORTS:
        errors["sort"] = f"unknown sort {sort!r}; one of {', '.join(SORTS)}"
        sort = DEFAULT_SORT
    values["sort"] = sort
    if one("size"):
        size = int(one("size")) if one("size").isdigit() else 0
        if size not in PAGE_SIZES:
            errors["size"] = f"page size must be one of {', '.join(map(str, PAGE_SIZES))}"
        else:
            values["size"] = size
    if one("after"):
        try:
            values["after"] = _decode_cursor(one("after"), sort)
        except (ValueError, TypeError, KeyError):
            errors["after"] = "this page link is no longer valid; start from the first page"
    if errors:
        raise FilterError(errors)
    return RunFilter(**values)
