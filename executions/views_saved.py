"""Saved views of the run list (per user): save the list's current filter and sort under a name,
rename, delete. CSRF-protected POSTs that answer with a redirect to the list (or a 400 naming the
field); another user's view is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import saved_views
from .pages import dashboard_page


def _back(query: str) -> HttpResponse:
    return HttpResponseRedirect(reverse("executions:runs") + ("?" + query if query else ""), status=303)


def _refused(request: HttpRequest, exc: saved_views.ViewError, query: str) -> HttpResponse:
    return render(request, "executions/saved_view_error.html", {"errors": exc.errors, "query": query}, status=400)


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "executions/saved_view_error.html", {"errors": {"view": "no such saved view of yours"},
                                                                 "query": ""}, status=404)


@dashboard_page
@require_POST
def save_view(request: HttpRequest) -> HttpResponse:
    query = request.POST.get("query", "")
    try:
        view, created = saved_views.save(request.user, request.POST.get("name", ""), query)
    except saved_views.ViewError as exc:
        return _refused(request, exc, query)
    messages.success(request, f"{'Saved' if created else 'Updated'} the view “{view.name}”.")
    return _back(view.query)


@dashboard_page
@require_POST
def rename_view(request: HttpRequest, view_id: int) -> HttpResponse:
    try:
        view = saved_views.rename(request.user, view_id, request.POST.get("name", ""))
    except saved_views.NoSuchView:
        return _not_found(request)
    except saved_views.ViewError as exc:
        return _refused(request, exc, "")
    messages.success(request, f"Renamed the view to “{view.name}”.")
    return _back(view.query)


@dashboard_page
@require_POST
def delete_view(request: HttpRequest, view_id: int) -> HttpResponse:
    try:
        name = saved_views.delete(request.user, view_id)
    except saved_views.NoSuchView:
        return _not_found(request)
    messages.success(request, f"Deleted the view “{name}”.")
    return _back(request.POST.get("back", ""))
