"""/executions/<id>/logs.txt: every log line of an execution as plain text, to download.

One line per log line: its UTC time, task reference, attempt, then the text (a multi-line text,
such as a traceback, keeps its lines, indented under its head so the next entry stays findable).
The same `logs_task` and `q` as the run page's viewer narrow it. text/plain and an attachment,
so a hostile log line is never rendered as HTML.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import store
from .pages import dashboard_page
from .store import runlist

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


@dashboard_page
def logs_text(request: HttpRequest, workflow_id: str) -> HttpResponse:
    if store.workflow_status(workflow_id) is None:
        return render(request, "executions/not_found.html", {"workflow_id": workflow_id}, status=404)
    lines = runlist.logs_of(workflow_id, request.GET.get("logs_task") or None,
                            request.GET.get("q", "").strip()[:200], limit=None)
    out = []
    for line, task in lines:
        head = f"{line.created_time.isoformat(timespec='milliseconds')}  {task.ref}  attempt {task.retry_count + 1}  "
        out.append(head + line.log.replace("\n", "\n    "))
    response = HttpResponse("\n".join(out) + ("\n" if out else ""), content_type="text/plain; charset=utf-8")
    # The id is ours, but ids can be client-chosen on start elsewhere: keep the header clean.
    response["Content-Disposition"] = f'attachment; filename="{_UNSAFE_NAME.sub("_", workflow_id)[:80]}-logs.txt"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
