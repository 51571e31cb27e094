"""WAIT: park until a duration passes, a moment arrives, or (with no input) an external update.

The deadline is recomputed from the task's start time on every check, so no extra state is
stored; `wakeup()` tells the evaluator when to look again. A WAIT completes even while the
workflow is paused, as in Conductor.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from orchestrator.engine.definition import Node
from orchestrator.engine.model import TaskState
from orchestrator.engine.problems import Problem, inputs_of, is_dynamic, join, problem, shown, where
from orchestrator.engine.status import TaskStatus
from orchestrator.engine.tasktype import RunOps, RunView, TaskType

# Conductor's WaitTask.DURATION_PATTERN: days, hours, minutes, seconds, each at most once and in
# that order, units case-insensitive, blanks allowed around them. Parsed by a linear scan rather
# than Conductor's regex, whose run of optional `\s*` backtracks polynomially on long blank input.
_PART = re.compile(r"([0-9]+)\s*([A-Za-z]+)\s*")
_UNITS = {
    **dict.fromkeys(("d", "day", "days"), (0, 86400)),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), (1, 3600)),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), (2, 60)),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), (3, 1)),
}


def parse_duration(text: str) -> timedelta:
    """`10s`, `2 minutes`, `1d 2h 30m` → timedelta. Raises ValueError with the reason."""
    s = text.strip()
    pos, last, seconds = 0, -1, 0
    while pos < len(s):
        m = _PART.match(s, pos)
        rank, unit = _UNITS.get(m.group(2).lower(), (-1, 0)) if m else (-1, 0)
        if m is None or rank <= last:
            raise ValueError(f"duration {text!r} is not like '30s', '5 minutes' or '1d 2h' (days, hours, "
                             "minutes, seconds, in that order)")
        last, pos = rank, m.end()
        seconds += int(m.group(1)) * unit
    if last < 0:
        raise ValueError(f"duration {text!r} is not like '30s', '5 minutes' or '1d 2h'")
    return timedelta(seconds=seconds)


def valid_duration(text: str) -> bool:
    try:
        parse_duration(text)
    except ValueError:
        return False
    return True


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
    aliases = ("YIELD",)  # Orkes' name for a task parked until a signal
    retriable = True

    def validate(self, task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
        inputs = inputs_of(task)
        ip = join(path, "inputParameters")
        duration = inputs.get("duration")
        if duration is not None and inputs.get("until") is not None:
            msg = f"{where(ip)} must not set both duration and until; a WAIT uses one or the other."
            return [problem("WF.E048", ip, msg, ref)]
        if duration is None or is_dynamic(duration) or (isinstance(duration, str) and valid_duration(duration)):
            return []
        p = join(ip, "duration")
        msg = f"{where(p)} {shown(duration)} is not a duration; write e.g. '30s', '10m', '2 minutes' or '1d 2h'."
        return [problem("WF.E049", p, msg, ref, duration)]

    def waits_for_signal(self, task_input: Mapping[str, Any]) -> bool:
        return not any(task_input.get(key) for key in ("duration", "until", "wait_until"))

    def start(self, run: RunOps, task: TaskState, node: Node) -> TaskState:
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

    def check(self, run: RunOps, task: TaskState, node: Node) -> TaskState:
        try:
            deadline = self.deadline(task)
        except ValueError:
            return task
        if deadline is not None and run.now >= deadline:
            return run.finish(task, TaskStatus.COMPLETED, dict(task.output))
        return task

    def wakeup(self, run: RunView, task: TaskState) -> datetime | None:
        try:
            return self.deadline(task)
        except ValueError:
            return None
