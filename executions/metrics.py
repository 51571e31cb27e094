"""The tables of /metrics/, each one read of executions.store.analytics_metrics, and their charts.

A table is plain values (numbers, ISO times, None), so the same table is the HTML table beside
its chart, the CSV download and the JSON download.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from typing import Any

from . import charts
from .store import analytics_metrics as store

# URL value → (label, span, bucket unit)
WINDOWS = {"1h": ("last hour", timedelta(hours=1), "minute"), "24h": ("last 24 hours", timedelta(hours=24), "hour"),
           "7d": ("last 7 days", timedelta(days=7), "hour")}
DEFAULT_WINDOW = "1h"
QUEUE_COLOURS = tuple(f"c-q{i}" for i in range(store.MAX_QUEUE_LINES))


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    chart: charts.LineChart | charts.BarChart | None = None

    @property
    def display_rows(self) -> list[list[str]]:
        """The rows as the HTML table shows them: durations and rates in words, times as HH:MM; a
        time series newest first (the bucket a reader looks for is the latest, not 24 rows down)."""
        rows = reversed(self.rows) if self.columns[:1] == ["bucket"] else self.rows
        return [[_display(col, v) for col, v in zip(self.columns, row, strict=True)] for row in rows]

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def _display(column: str, value: Any) -> str:
    if value is None:
        return "–"
    if column.endswith("_ms"):
        return charts.duration(value)
    if column == "failure_rate":
        return charts.percent(value)
    if column in ("bucket", "at"):
        return str(value)[5:16].replace("T", " ")
    return charts.count(value) if isinstance(value, int | float) else str(value)


def _iso(at: Any) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


class Reads:
    """The reads of one page view: the throughput rows feed two tables, so they are read once."""

    def __init__(self, w: store.Window, name: str | None) -> None:
        self.w, self.name = w, name

    @cached_property
    def throughput(self) -> list[store.Throughput]:
        return store.throughput(self.w, self.name)


def throughput(r: Reads) -> Table:
    w, rows = r.w, r.throughput
    xs = [r.at for r in rows]
    chart = charts.line_chart("Runs per " + w.unit, xs, w.unit, [
        ("started", "c-started", [r.started for r in rows]),
        ("completed", "c-completed", [r.completed for r in rows]),
        ("failed", "c-failed", [r.failed for r in rows]),
    ])
    return Table("throughput", f"Runs started, completed and failed per {w.unit}",
                 ["bucket", "started", "completed", "failed", "failure_rate"],
                 [[_iso(r.at), r.started, r.completed, r.failed, r.failure_rate] for r in rows], chart)


def failure_rate(r: Reads) -> Table:
    w, rows = r.w, r.throughput
    chart = charts.line_chart("Failure rate", [r.at for r in rows], w.unit,
                              [("failure rate", "c-failed", [r.failure_rate for r in rows])],
                              fmt=charts.percent, top=1.0)
    return Table("failure_rate", f"Failure rate per {w.unit} (failed ÷ completed + failed)",
                 ["bucket", "completed", "failed", "failure_rate"],
                 [[_iso(r.at), r.completed, r.failed, r.failure_rate] for r in rows], chart)


def _durations(key: str, title: str, what: str, rows: list[Any]) -> Table:
    chart = charts.bar_chart(title, [(str(d.key), [d.p50_ms, d.p95_ms]) for d in rows[:20]],
                             [("p50", "c-p50"), ("p95", "c-p95")])
    return Table(key, title, [what, "count", "p50_ms", "p95_ms"],
                 [[d.key, d.n, _round(d.p50_ms), _round(d.p95_ms)] for d in rows], chart)


def _round(ms: float | None) -> float | None:
    return None if ms is None else round(ms, 1)


def workflow_durations(r: Reads) -> Table:
    return _durations("workflow_durations", "Run duration by workflow (runs ended in the window)", "workflow",
                      store.workflow_durations(r.w, r.name))


def task_durations(r: Reads) -> Table:
    return _durations("task_durations", "Task duration by task type (tasks ended in the window)", "task_type",
                      store.task_durations(r.w, r.name))


def queue_depth(r: Reads) -> Table:
    w, depths = r.w, store.queue_depth(r.w, r.name)
    drawn = list(depths.queues.items())[: store.MAX_QUEUE_LINES]
    series: list[tuple[str, str, list[float | None]]] = [("all queues", "c-total", list(map(float, depths.total)))]
    series += [(queue, QUEUE_COLOURS[i], list(map(float, values))) for i, (queue, values) in enumerate(drawn)]
    chart = charts.line_chart("Tasks waiting in their queue", depths.at, w.unit, series, dashed=("all queues",))
    queues = list(depths.queues)
    return Table("queue_depth", f"Tasks waiting in their queue, at the end of each {w.unit}",
                 ["at", "all_queues", *queues],
                 [[_iso(at), depths.total[i], *(depths.queues[q][i] for q in queues)]
                  for i, at in enumerate(depths.at)],
                 chart)


TABLES: dict[str, Callable[[Reads], Table]] = {
    "throughput": throughput, "failure_rate": failure_rate, "workflow_durations": workflow_durations,
    "task_durations": task_durations, "queue_depth": queue_depth,
}
