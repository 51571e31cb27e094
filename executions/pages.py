"""What every dashboard page shares: who may see it.

Run pages show inputs, outputs and logs, and act on executions, so they follow the API's rule for
GET /api/workflow/{id} (the ADMIN role: staff users, or everyone with BATON_AUTH off), checked by
the same function. Other logged-in users get a 403 page, anonymous ones the login page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from orchestrator.services.access import Forbidden, Principal, authorize

View = Callable[..., HttpResponse]


def principal_of(request: HttpRequest) -> Principal:
    user = request.user
    return Principal(name=user.get_username(), kind="user", role="ADMIN" if user.is_staff else "WORKER")


def dashboard_page(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            authorize(principal_of(request), worker_allowed=False)
        except Forbidden:
            return render(request, "executions/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
