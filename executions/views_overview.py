"""The overview (/): counts by status over a window in the URL, recent failures, running runs,
queue depths with the workers polling each queue. Kept live by /ws/dashboard/ (static/baton/
overview.js re-reads `?partial=parts`). Every figure links to the run list with that filter.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from orchestrator.services import tasks

from .filters import STATUSES
from .pages import dashboard_page
from .store import overview

WINDOWS = {"1h": ("last hour", timedelta(hours=1)), "24h": ("last 24 hours", timedelta(hours=24)),
           "7d": ("last 7 days", timedelta(days=7))}
DEFAULT_WINDOW = "24h"


def runs_url(**params: str) -> str:
    return reverse("executions:runs") + ("?" + urlencode(params) if params else "")


def _ago(now_ms: int, then_ms: int) -> str:
    seconds = max(0, (now_ms - then_ms) // 1000)
    if seconds < 120:
        return f"{seconds} s ago"
    if seconds < 7200:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h ago"


def _queues(now: datetime) -> list[dict[str, Any]]:
    now_ms = int(now.timestamp() * 1000)
    out = []
    queues = overview.queues()
    polled = tasks.poll_data_of([q.name for q in queues])
    for q in queues:
        polls = sorted(polled[q.name], key=lambda p: -p["lastPollTime"])
        out.append({"name": q.name, "scheduled": q.scheduled, "in_progress": q.in_progress,
                    "pollers": [{"worker": p["workerId"] or "(no worker id)", "domain": p["domain"],
                                 "ago": _ago(now_ms, p["lastPollTime"])} for p in polls]})
    return out


@dashboard_page
def overview_page(request: HttpRequest) -> HttpResponse:
    window = request.GET.get("window", DEFAULT_WINDOW)
    errors = {}
    if window not in WINDOWS:
        errors["window"] = f"window: one of {', '.join(WINDOWS)} (got {window[:40]!r})"
        window = DEFAULT_WINDOW
    now = timezone.now()
    since = now - WINDOWS[window][1]
    # The run list's `from` is read as UTC; seconds are enough for a window boundary.
    since_param = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    counts = overview.counts_by_status(since)
    running_count, running_rows = overview.running()
    context = {
        "window": window, "windows": {k: label for k, (label, _) in WINDOWS.items()},
        "window_label": WINDOWS[window][0], "errors": errors, "now": now,
        "counts": [{"status": s, "n": counts.get(s, 0), "url": runs_url(status=s, **{"from": since_param})}
                   for s in STATUSES],
        "total": sum(counts.values()), "total_url": runs_url(**{"from": since_param}),
        "failures": overview.recent_failures(since),
        "failures_url": runs_url(status="FAILED", **{"from": since_param}) + "&status=TIMED_OUT",
        "running_count": running_count, "running": running_rows, "running_url": runs_url(status="RUNNING"),
        "queues": _queues(now),
    }
    status = 400 if errors else 200
    if request.GET.get("partial") == "parts":
        return render(request, "executions/_overview_parts.html", context, status=status)
    return render(request, "executions/overview.html", context, status=status)
