"""Template filters of the workflow and metrics pages: durations and rates in words."""

from __future__ import annotations

from urllib.parse import quote

from django import template

from executions import charts

register = template.Library()


@register.filter
def duration(ms: float | None) -> str:
    return charts.duration(ms)


@register.filter
def percent(fraction: float | None) -> str:
    return charts.percent(fraction)


@register.filter
def workflow_url(name: str) -> str:
    """/workflows/<name>/, quoted whatever the name holds (old rows predate the name charset check)."""
    return "/workflows/" + quote(str(name), safe="") + "/"
