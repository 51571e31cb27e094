"""Chart geometry for the server-rendered SVG charts of /metrics/ (no chart library, no script).

Pure: values in, coordinates and labels out. The templates (executions/_chart_*.html) draw them,
so every label is escaped by Django, and the colours are CSS classes resolved against the theme's
variables (static/baton/dashboard.css), so a chart follows the dark/light switch without a redraw.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 12, 28
Fmt = Callable[[float], str]


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above `value` (an axis top that reads well)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def duration(ms: float | None) -> str:
    if ms is None:
        return "–"
    if ms < 1000:
        return f"{ms:.0f} ms"
    if ms < 60_000:
        return f"{ms / 1000:.1f} s"
    if ms < 3_600_000:
        return f"{ms / 60_000:.1f} min"
    return f"{ms / 3_600_000:.1f} h"


def count(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


@dataclass(frozen=True)
class Line:
    label: str
    colour: str  # a CSS class: c-started, c-q0, ...
    path: str  # SVG path data; gaps where a value is missing
    dashed: bool = False
    # a value with a gap on both sides has no line to sit on: drawn as a dot so it is not lost
    dots: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class Hover:
    x: float
    width: float
    title: str


@dataclass(frozen=True)
class Tick:
    at: float
    label: str
    anchor: str = "middle"  # SVG text-anchor; the last x label ends at the edge instead of past it


@dataclass(frozen=True)
class LineChart:
    title: str
    lines: list[Line]
    hovers: list[Hover]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom_y: int = HEIGHT - BOTTOM
    right_x: int = WIDTH - RIGHT


def whole_quarters(top: float) -> float:
    """A count axis's top whose four ticks are whole numbers (5 would tick 1.25, 2.5, 3.75)."""
    return float(math.ceil(top / 4) * 4) if top / 4 != int(top / 4) else top


def _alone(values: Sequence[float | None], i: int) -> bool:
    before = values[i - 1] if i > 0 else None
    after = values[i + 1] if i + 1 < len(values) else None
    return before is None and after is None


def _reading(value: float | None, fmt: Fmt) -> str:
    """A hover reading: a gap in the series (no runs in that bucket) reads as a dash."""
    return "–" if value is None else fmt(value)


def _time_label(at: datetime, unit: str, span_days: float) -> str:
    if unit == "minute":
        return at.strftime("%H:%M")
    return at.strftime("%m-%d %H:00") if span_days > 1.01 else at.strftime("%H:00")


def line_chart(title: str, xs: Sequence[datetime], unit: str, series: Sequence[tuple[str, str, Sequence[float | None]]],
               fmt: Fmt = count, top: float | None = None, dashed: Sequence[str] = ()) -> LineChart:
    """A time-series chart: `series` is (label, colour class, one value per x) each."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = len(xs)
    values = [v for _, _, vs in series for v in vs if v is not None]
    y_top = top if top is not None else nice_ceiling(max(values, default=0))
    if fmt is count and top is None:
        y_top = whole_quarters(y_top)
    step = plot_w / max(1, n - 1)

    def x_of(i: int) -> float:
        return LEFT + (i * step if n > 1 else plot_w / 2)

    def y_of(v: float) -> float:
        return TOP + plot_h - (min(v, y_top) / y_top) * plot_h

    lines = []
    for label, colour, vs in series:
        parts, pen_down = [], False
        for i, v in enumerate(vs):
            if v is None:
                pen_down = False
                continue
            parts.append(f"{'L' if pen_down else 'M'}{x_of(i):.1f} {y_of(v):.1f}")
            pen_down = True
        dots = tuple((round(x_of(i), 1), round(y_of(v), 1)) for i, v in enumerate(vs)
                     if v is not None and _alone(vs, i))
        lines.append(Line(label, colour, " ".join(parts), label in dashed, dots))
    span_days = (xs[-1] - xs[0]).total_seconds() / 86400 if n > 1 else 0
    hovers = []
    for i, at in enumerate(xs):
        readings = ", ".join(f"{label} {_reading(vs[i], fmt)}" for label, _, vs in series)
        hovers.append(Hover(max(LEFT, x_of(i) - step / 2), step if n > 1 else plot_w,
                            f"{at.strftime('%Y-%m-%d %H:%M')} UTC: {readings}"))
    every = max(1, math.ceil(n / 7))
    x_ticks = [Tick(x_of(i), _time_label(xs[i], unit, span_days), "end" if n > 1 and i == n - 1 else "middle")
               for i in range(0, n, every)]
    y_ticks = [Tick(y_of(y_top * k / 4), fmt(y_top * k / 4)) for k in range(5)]
    return LineChart(title, lines, hovers, x_ticks, y_ticks)


@dataclass(frozen=True)
class Bar:
    y: float
    x: float
    length: float
    colour: str
    title: str


@dataclass(frozen=True)
class BarGroup:
    label: str
    label_y: float
    bars: list[Bar]


@dataclass(frozen=True)
class BarChart:
    title: str
    groups: list[BarGroup]
    legend: list[tuple[str, str]]  # (label, colour class)
    x_ticks: list[Tick]
    height: int
    width: int = WIDTH
    left: int = 150
    right_x: int = WIDTH - RIGHT
    bottom_y: int = 0


def bar_chart(title: str, groups: Sequence[tuple[str, Sequence[float | None]]],
              bars: Sequence[tuple[str, str]], fmt: Fmt = duration) -> BarChart:
    """Horizontal bars: one group per label, one bar per (label, colour class) of `bars`."""
    left, bar_h, gap = 150, 9, 10
    group_h = len(bars) * bar_h + gap
    height = TOP + max(1, len(groups)) * group_h + BOTTOM
    plot_w = WIDTH - left - RIGHT
    top = nice_ceiling(max((v for _, vs in groups for v in vs if v is not None), default=0))
    out = []
    for g, (label, vs) in enumerate(groups):
        y0 = TOP + g * group_h
        drawn = []
        for b, ((bar_label, colour), v) in enumerate(zip(bars, vs, strict=True)):
            length = 0.0 if v is None else max(1.0, v / top * plot_w)
            drawn.append(Bar(y0 + b * bar_h, left, length, colour, f"{label}: {bar_label} {_reading(v, fmt)}"))
        out.append(BarGroup(label, y0 + len(bars) * bar_h / 2 + 4, drawn))
    bottom = height - BOTTOM
    ticks = [Tick(left + plot_w * k / 4, fmt(top * k / 4), "end" if k == 4 else "middle") for k in range(5)]
    return BarChart(title, out, list(bars), ticks, height, bottom_y=bottom)
