"""The metrics charts' geometry (executions/charts.py): pure, values in, coordinates out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from executions import charts

HOURS = [datetime(2026, 12, 3, tzinfo=UTC) + timedelta(hours=h) for h in range(6)]


def test_a_count_axis_ticks_whole_numbers() -> None:
    chart = charts.line_chart("runs", HOURS, "hour", [("started", "c-started", [0, 0, 0, 0, 0, 5])])
    assert [t.label for t in chart.y_ticks] == ["0", "2", "4", "6", "8"]
    assert charts.whole_quarters(1000) == 1000 and charts.whole_quarters(1) == 4


def test_a_rate_axis_keeps_its_fixed_top() -> None:
    chart = charts.line_chart("rate", HOURS, "hour", [("rate", "c-failed", [None] * 5 + [0.2])],
                              fmt=charts.percent, top=1.0)
    assert [t.label for t in chart.y_ticks] == ["0.0%", "25.0%", "50.0%", "75.0%", "100.0%"]


def test_a_value_between_gaps_is_drawn_as_a_dot_and_a_run_of_values_as_a_line() -> None:
    chart = charts.line_chart("rate", HOURS, "hour", [("rate", "c-failed", [0.5, 0.5, None, 0.25, None, 0.1])],
                              fmt=charts.percent, top=1.0)
    (line,) = chart.lines
    assert line.path.count("M") == 3 and line.path.count("L") == 1  # three pieces, one of them two points long
    assert [x for x, _ in line.dots] == [round(charts.LEFT + 3 * (charts.WIDTH - charts.LEFT - charts.RIGHT) / 5, 1),
                                         float(charts.WIDTH - charts.RIGHT)]


def test_the_last_time_label_ends_at_the_edge_and_a_gap_reads_as_a_dash() -> None:
    chart = charts.line_chart("rate", HOURS, "hour", [("rate", "c-failed", [None] * 6)], fmt=charts.percent, top=1.0)
    assert chart.x_ticks[-1].anchor == "end" and chart.x_ticks[0].anchor == "middle"
    assert chart.hovers[0].title == "2026-12-03 00:00 UTC: rate –"


def test_bars_scale_to_the_longest_and_a_missing_value_has_no_bar() -> None:
    chart = charts.bar_chart("durations", [("v1", [100.0, 400.0]), ("v2", [None, 250.0])],
                             [("p50", "c-p50"), ("p95", "c-p95")])
    v1, v2 = chart.groups
    plot = chart.right_x - chart.left
    assert chart.x_ticks[-1].label == "500 ms" and chart.x_ticks[-1].anchor == "end"  # 400's nice ceiling
    assert abs(v1.bars[1].length - plot * 400 / 500) < 1e-9 and abs(v1.bars[0].length - plot * 100 / 500) < 1e-9
    assert v2.bars[0].length == 0 and v2.bars[0].title == "v2: p50 –"
