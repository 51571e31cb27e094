"""/workflows/ (every definition, its last 24 h) and /workflows/<name>/ (one definition across runs:
Airflow's grid of tasks × the last N runs, with success rate, p50/p95 per version and versions).

The grid page is kept live like the overview: static/baton/parts.js re-reads `?partial=parts`.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from .filters import STATUSES
from .pages import dashboard_page
from .store import analytics_workflow as store
from .templatetags.analytics import workflow_url
from .views_overview import WINDOWS

DEFAULT_RUNS, MAX_RUNS = 25, 100
DEFAULT_WINDOW = "7d"
LIST_WINDOW = timedelta(hours=24)


def _runs_url(**params: Any) -> str:
    return reverse("executions:runs") + "?" + urlencode(params)


def editor_url(name: str, version: int | None = None) -> str:
    return f"/editor/{quote(name, safe='')}/" + (f"?version={version}" if version else "")


@dashboard_page
def workflow_list(request: HttpRequest) -> HttpResponse:
    since = timezone.now() - LIST_WINDOW
    rows = [{"s": s, "url": workflow_url(s.name), "runs_url": _runs_url(name=s.name),
             "editor_url": editor_url(s.name, s.latest_version)} for s in store.summaries(since)]
    return render(request, "executions/workflows.html", {"rows": rows})


def _params(request: HttpRequest) -> tuple[int, str, dict[str, str]]:
    errors: dict[str, str] = {}
    raw = request.GET.get("runs", str(DEFAULT_RUNS))
    last = int(raw) if raw.isdigit() else 0
    if not 1 <= last <= MAX_RUNS:
        errors["runs"] = f"runs: a whole number from 1 to {MAX_RUNS} (got {raw[:20]!r})"
        last = DEFAULT_RUNS
    window = request.GET.get("window", DEFAULT_WINDOW)
    if window not in WINDOWS:
        errors["window"] = f"window: one of {', '.join(WINDOWS)} (got {window[:40]!r})"
        window = DEFAULT_WINDOW
    return last, window, errors


def _grid_context(name: str, last: int) -> dict[str, Any]:
    grid = store.grid(name, last)
    now = timezone.now()
    took = {r.id: ((r.end_time or now) - r.create_time).total_seconds() for r in grid.runs}
    longest = max(took.values(), default=0) or 1
    runs = [{"w": r, "url": reverse("executions:run", args=[r.id]), "seconds": took[r.id],
             "height": max(4, round(took[r.id] / longest * 40))} for r in grid.runs]
    rows = []
    for row in grid.rows:
        cells: list[dict[str, object] | None] = []
        for run, r in zip(runs, grid.runs, strict=True):
            cell = grid.cells.get((r.id, row.ref))
            if cell is not None:
                cells.append({"c": cell, "url": f"{run['url']}?{urlencode({'task': row.ref})}"})
            else:
                cells.append(None)
        rows.append({"row": row, "cells": cells, "indent": row.depth * 14})
    return {"runs": runs, "grid_rows": rows}


@dashboard_page
def workflow_page(request: HttpRequest, name: str) -> HttpResponse:
    if not store.exists(name):
        return render(request, "executions/workflow_not_found.html", {"name": name}, status=404)
    last, window, errors = _params(request)
    since = timezone.now() - WINDOWS[window][1]
    counts = store.counts_by_status(name, since)
    # The run list reads `from` as UTC; seconds are enough for a window boundary.
    since_param = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    context: dict[str, Any] = {
        "name": name, "errors": errors, "last": last, "max_runs": MAX_RUNS, "window": window,
        "windows": {k: label for k, (label, _) in WINDOWS.items()}, "window_label": WINDOWS[window][0],
        "counts": [{"status": s, "n": counts.get(s, 0), "url": _runs_url(name=name, status=s, **{"from": since_param})}
                   for s in STATUSES],
        "total": sum(counts.values()), "success_rate": store.success_rate(counts),
        "durations": store.durations_by_version(name, since),
        "versions": [{"v": v, "editor_url": editor_url(name, v.version) if v.defined else None,
                      "runs_url": _runs_url(name=name, version=v.version)} for v in store.versions(name)],
        "editor_url": editor_url(name), "runs_url": _runs_url(name=name),
        "parts_url": "?" + urlencode({"runs": last, "window": window, "partial": "parts"}),
        **_grid_context(name, last),
    }
    status = 400 if errors else 200
    if request.GET.get("partial") == "parts":
        return render(request, "executions/_workflow_parts.html", context, status=status)
    return render(request, "executions/workflow.html", context, status=status)
