"""The HUMAN task's time keys, parsed (pure): `dueIn` / `dueAt`, `priority`, `escalation`,
`onEscalationExhausted`. The definition checks (human.py) and the inbox (orchestrator.humantasks,
on the resolved input) read them through the same functions, so what registers also runs.

    dueIn: "PT4H" | "2h" | "30m" | 3600          dueAt: "2026-12-24T18:00:00Z" | "${...}"
    priority: 0..10 (default 5, higher = more urgent)
    escalation: [{"after": "PT30M", "assignees": [...], "groups": [...]}, ...]
    onEscalationExhausted: {"action": "FAIL" | "COMPLETE", "output": {...}}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from .wait import parse_duration

DEFAULT_PRIORITY = 5
MAX_PRIORITY = 10
EXHAUST_ACTIONS = ("FAIL", "COMPLETE")
# ISO-8601 durations as people write them for deadlines: P[nD]T[nH][nM][nS] (no years or months,
# whose length depends on the calendar).
_ISO = re.compile(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?", re.IGNORECASE)
_MAX_SPAN = timedelta(days=3650)


def parse_span(value: Any) -> timedelta:
    """"PT4H", "P1DT2H", "2h", "30m" or a number of seconds → timedelta; ValueError says why not."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError("is not a duration: give \"PT4H\", \"2h\", \"30m\" or a number of seconds")
    if isinstance(value, int | float):
        if not 0 <= value <= _MAX_SPAN.total_seconds():
            raise ValueError(f"{value} seconds is out of range (0 to 10 years)")
        return timedelta(seconds=value)
    text = value.strip()
    iso = _ISO.fullmatch(text)
    if iso and text.upper() not in ("P", "PT"):
        days, hours, minutes, seconds = (float(g) if g else 0.0 for g in iso.groups())
        span = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    else:
        try:
            span = parse_duration(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a duration like \"PT4H\", \"2h\", \"30m\" "
                             "or a number of seconds") from None
    if span > _MAX_SPAN:
        raise ValueError(f"{text!r} is longer than 10 years")
    return span


def parse_moment(value: Any) -> datetime:
    """An ISO-8601 timestamp ("2026-12-24T18:00:00Z", UTC unless an offset is given)."""
    if not isinstance(value, str):
        raise ValueError("is not an ISO-8601 timestamp string")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO-8601 timestamp like \"2026-12-24T18:00:00Z\"") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def priority_of(value: Any) -> int:
    """The priority 0..10; ValueError when it is not one."""
    if value is None:
        return DEFAULT_PRIORITY
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PRIORITY:
        raise ValueError(f"is not an integer from 0 to {MAX_PRIORITY}")
    return value


@dataclass(frozen=True)
class Step:
    """One escalation step: after `after`, the candidates become these users and groups."""

    after: timedelta
    users: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Exhausted:
    action: str  # FAIL | COMPLETE
    output: Mapping[str, Any] = field(default_factory=dict)


def names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    return tuple(v for v in value if isinstance(v, str) and v.strip()) if isinstance(value, list) else ()


def step_of(spec: Any) -> Step:
    """One entry of `escalation`; ValueError naming the key that is wrong."""
    if not isinstance(spec, dict):
        raise ValueError("is not an object {after, assignees, groups}")
    if "after" not in spec:
        raise ValueError("has no \"after\" (how long to wait before this step)")
    try:
        after = parse_span(spec["after"])
    except ValueError as exc:
        raise ValueError(f"after: {exc}") from None
    if after <= timedelta(0):
        raise ValueError("after: must be longer than zero")
    for key in ("assignees", "groups"):
        value = spec.get(key)
        if value is not None and not (isinstance(value, str) or (
                isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value))):
            raise ValueError(f"{key}: is not a list of names")
    users, groups = names(spec.get("assignees")), names(spec.get("groups"))
    if not users and not groups:
        raise ValueError("names no assignees or groups to escalate to")
    return Step(after, users, groups)


def exhausted_of(spec: Any) -> Exhausted:
    if not isinstance(spec, dict):
        raise ValueError("is not an object {action: FAIL|COMPLETE, output}")
    action = spec.get("action")
    if action not in EXHAUST_ACTIONS:
        raise ValueError(f"action: {action!r} is not FAIL or COMPLETE")
    output = spec.get("output", {})
    if not isinstance(output, dict):
        raise ValueError("output: is not an object")
    return Exhausted(action, output)


def due_of(inputs: Mapping[str, Any], scheduled: datetime) -> datetime | None:
    """The resolved input's due time (dueAt wins over dueIn), or None when it sets none or a
    resolved value is unusable (the inbox then shows no due time rather than failing a task)."""
    try:
        if inputs.get("dueAt") not in (None, ""):
            return parse_moment(inputs["dueAt"])
        if inputs.get("dueIn") is not None:
            return scheduled + parse_span(inputs["dueIn"])
    except ValueError:
        return None
    return None
