"""The run list: /executions/ with its filters in the URL, keyset-paged, kept live by /ws/dashboard/,
with bulk actions on a checkbox selection or the whole filter, and the user's saved views."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import saved_views
from .filters import PAGE_SIZES, SORTS, STATUSES, FilterError, RunFilter, parse
from .pages import dashboard_page
from .store import runlist
from .views_bulk import BULK_ACTIONS, BULK_LABELS

SORT_LABELS = {"-started": "Newest first", "started": "Oldest first", "-updated": "Recently changed",
               "updated": "Least recently changed", "name": "Name A→Z", "-name": "Name Z→A"}


@dashboard_page
def run_list(request: HttpRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    try:
        f = parse(dict(request.GET.lists()))
        result = runlist.page(f)
    except FilterError as exc:
        errors, f, result = exc.errors, RunFilter(), runlist.Page([], None)
    base = request.GET.copy()
    base.pop("after", None)
    base.pop("partial", None)
    next_url = None
    if result.next_cursor:
        nxt = base.copy()
        nxt["after"] = result.next_cursor
        next_url = "?" + nxt.urlencode()
    sort_links = {}
    for key in SORTS:
        q = base.copy()
        q["sort"] = key
        sort_links[key] = "?" + q.urlencode()
    context = {
        "f": f, "rows": result.rows, "errors": errors, "next_url": next_url,
        "first_url": ("?" + base.urlencode()) if "after" in request.GET else None,
        "statuses": STATUSES, "sizes": PAGE_SIZES, "sort_labels": SORT_LABELS, "sort_links": sort_links,
        "inputs": [v for v in request.GET.getlist("input") if v.strip()] or [""],
        # The live list re-reads its own page (this URL + partial=rows) when runs change.
        "rows_url": "?" + _with(request, partial="rows"),
        "bulk_filter": base.urlencode(),
    }
    if request.GET.get("partial") == "rows":
        return render(request, "executions/_runs_rows.html", context, status=400 if errors else 200)
    try:
        current = saved_views.canonical_query(base.urlencode())
    except saved_views.ViewError:
        current = None  # a list with a bad filter cannot be saved
    context.update(
        # one field per tag of the filter, and an empty one to add another
        tags=[v for v in request.GET.getlist("tag") if v.strip()] + [""],
        bulk_labels=[(a, BULK_LABELS.get(a, a)) for a in BULK_ACTIONS],
        views=saved_views.mine(request.user), current_query=current,
    )
    return render(request, "executions/runs.html", context, status=400 if errors else 200)


def _with(request: HttpRequest, **values: str) -> str:
    q = request.GET.copy()
    for key, value in values.items():
        q[key] = value
    return q.urlencode()
