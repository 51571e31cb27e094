"""Server-rendered pages. The home page lists definitions and recent executions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from orchestrator.models import WorkflowDef

from .models import Workflow


@login_required
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "definitions": WorkflowDef.objects.order_by("name", "-version")[:200],
        "executions": Workflow.objects.order_by("-create_time").only(
            "id", "name", "version", "status", "create_time", "end_time"
        )[:50],
    }
    return render(request, "home.html", context)
