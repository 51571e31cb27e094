"""/metrics/: throughput, failure rate, duration percentiles and queue depth over a window in the
URL, each an inline SVG chart beside its table, with CSV and JSON downloads of every table.

Kept live by /ws/dashboard/: static/baton/parts.js re-reads `?partial=parts` at most every few
seconds (the reads aggregate a window of rows, so they are not re-run on every transition).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from . import metrics
from .pages import dashboard_page
from .store import analytics_metrics

FORMATS = ("csv", "json")
MAX_NAME = 255


class ParamError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _params(request: HttpRequest) -> tuple[str, str | None]:
    window = request.GET.get("window", metrics.DEFAULT_WINDOW)
    if window not in metrics.WINDOWS:
        raise ParamError("window", f"window: one of {', '.join(metrics.WINDOWS)} (got {window[:40]!r})")
    name = request.GET.get("name", "").strip()
    if len(name) > MAX_NAME:
        raise ParamError("name", f"name: at most {MAX_NAME} characters")
    return window, name or None


def _reads(window: str, name: str | None) -> metrics.Reads:
    _label, span, unit = metrics.WINDOWS[window]
    return metrics.Reads(analytics_metrics.window(timezone.now(), span, unit), name)


@dashboard_page
def metrics_page(request: HttpRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    try:
        window, name = _params(request)
    except ParamError as exc:
        errors[exc.field] = str(exc)
        window, name = metrics.DEFAULT_WINDOW, None
    reads = _reads(window, name)
    query = {"window": window, **({"name": name} if name else {})}
    context = {
        "window": window, "name": name or "", "errors": errors,
        "windows": {k: label for k, (label, _, _) in metrics.WINDOWS.items()},
        "window_label": metrics.WINDOWS[window][0], "unit": reads.w.unit, "since": reads.w.since,
        "tables": [build(reads) for build in metrics.TABLES.values()],
        "query_string": urlencode(query),
        "parts_url": reverse("executions:metrics") + "?" + urlencode({**query, "partial": "parts"}),
    }
    status = 400 if errors else 200
    if request.GET.get("partial") == "parts":
        return render(request, "executions/_metrics_parts.html", context, status=status)
    return render(request, "executions/metrics.html", context, status=status)


def _csv(table: metrics.Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    for row in table.rows:
        # A cell starting with = + - @ is a formula to a spreadsheet: names are user-provided.
        writer.writerow(["'" + v if isinstance(v, str) and v[:1] in "=+-@" else ("" if v is None else v) for v in row])
    return out.getvalue()


@dashboard_page
def metrics_table(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    if table not in metrics.TABLES or fmt not in FORMATS:
        raise Http404("no such table")
    try:
        window, name = _params(request)
    except ParamError as exc:
        return JsonResponse({"error": str(exc), "field": exc.field}, status=400)
    data = metrics.TABLES[table](_reads(window, name))
    filename = f"baton-{table}-{window}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(_csv(data), content_type="text/csv; charset=utf-8")
    else:
        body: dict[str, Any] = {"table": table, "window": window, "name": name, "columns": data.columns,
                                "rows": data.as_dicts()}
        response = HttpResponse(json.dumps(body), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
