"""WAIT: park until a duration passes, a moment arrives, or (with no input) an external update.

The deadline is recomputed from the task's start time on every check, so no extra state is
stored; `wakeup()` tells the evaluator when to look again. A WAIT completes even while the
workflow is paused, as in Conductor.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from orchestrator.engine.definition import Node
from orchestrator.engine.model import TaskState
from orchestrator.engine.status import TaskStatus

from .base import TaskType

if TYPE_CHECKING:
    from orchestrator.engine.run import Run

_UNITS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
}
_PART = re.compile(r"(\d+)\s*([a-zA-Z]+)")


def parse_duration(text: str) -> timedelta:
    """`10s`, `2 minutes`, `1d 2h 30m` → timedelta. Raises ValueError with the reason."""
    stripped = text.strip()
    parts = _PART.findall(stripped)
    if not parts or _PART.sub("", stripped).strip(" ,"):
        raise ValueError(f"duration {text!r} is not like '30s', '5 minutes' or '1d 2h'")
    seconds = 0
    for amount, unit in parts:
        if unit.lower() not in _UNITS:
            raise ValueError(f"duration {text!r}: unknown unit {unit!r}")
        seconds += int(amount) * _UNITS[unit.lower()]
    return timedelta(seconds=seconds)


def parse_until(text: str) -> datetime:
    """`yyyy-MM-dd HH:mm[ z]` or `yyyy-MM-dd` (UTC unless a zone offset or name is given)."""
    value = text.strip()
    for fmt in ("%Y-%m-%d %H:%M %z", "%Y-%m-%d %H:%M %Z", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            moment = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    raise ValueError(f"until {text!r} is not like '2026-12-24 18:00 +0100' or '2026-12-24'")


class Wait(TaskType):
    type_name = "WAIT"
    retriable = True

    def start(self, run: Run, task: TaskState, node: Node) -> TaskState:
        task = run.put(replace(task, status=TaskStatus.IN_PROGRESS, start_time=run.now, update_time=run.now))
        try:
            self.deadline(task)
        except ValueError as exc:
            return run.finish(task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, {"error": str(exc)}, reason=str(exc))
        return self.check(run, task, node)

    def deadline(self, task: TaskState) -> datetime | None:
        duration: Any = task.input.get("duration")
        # The SDK's WaitTask(wait_until=...) sends `wait_until`; Conductor's own key is `until`.
        until: Any = task.input.get("until") or task.input.get("wait_until")
        if duration and until:
            raise ValueError("WAIT takes either duration or until, not both")
        started = task.start_time or task.scheduled_time
        if duration:
            return started + parse_duration(str(duration))
        if until:
            return parse_until(str(until))
        return None

    def check(self, run: Run, task: TaskState, node: Node) -> TaskState:
        try:
            deadline = self.deadline(task)
        except ValueError:
            return task
        if deadline is not None and run.now >= deadline:
            return run.finish(task, TaskStatus.COMPLETED, dict(task.output))
        return task

    def wakeup(self, run: Run, task: TaskState) -> datetime | None:
        try:
            return self.deadline(task)
        except ValueError:
            return None
