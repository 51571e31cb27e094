"""The /inbox/ pages: the list (My tasks / Claimable / Done) and a task's page with its form.

State never changes on GET; Claim, Release, Approve and Reject are CSRF-protected POSTs, each one
service call. A user who may not see a task gets a 404 (its existence is not disclosed).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from executions.models import Task, Workflow
from orchestrator.services.errors import InvalidInput, NotFound, ServiceError

from . import comments, context, field_errors, links, listing, outline, service, transitions, voting
from .forms import form_value, schema_form
from .models import HumanTask


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The three lists, filtered and sorted by the URL's query (a GET form: works without JS). A
    bad filter value is named in a banner (400) and ignored; the lists still show."""
    query, errors = listing.parse(request.GET)
    now = timezone.now()
    tab, rows, numbers = service.inbox_tab(request.user, request.GET.get("tab"), query, now,
                                          limit=listing.PAGE_ROWS)
    tabs = [("mine", "My tasks"), ("claimable", "Claimable"), ("done", "Done")]
    return render(request, "humantasks/inbox.html", {
        "tabs": [(key, label, numbers[key], query.params(tab=key)) for key, label in tabs], "tab": tab,
        "rows": [listing.line(r, now) for r in rows], "total": numbers[tab],
        "page_rows": listing.PAGE_ROWS, "query": query, "errors": list(errors.values()),
        "bad": errors, "sorts": listing.SORT_LABELS.items(), "priorities": range(listing.MAX_PRIORITY, -1, -1),
        "now": now}, status=400 if errors else 200)


@login_required
@require_GET
def counts(request: HttpRequest) -> JsonResponse:
    """{mine, claimable, done} for the signed-in user: what the badges and the nav poll."""
    response = JsonResponse(service.counts(request.user))
    response["Cache-Control"] = "no-store"
    return response


def _visible(request: HttpRequest, task_id: str) -> HumanTask:
    try:
        row = service.get(task_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if not service.may_see(row, service.actor_of(request.user)):
        raise Http404("No such human task")
    return row


def _page(request: HttpRequest, row: HumanTask, form: Any = None, error: str = "", status: int = 200,
          **typed: str) -> HttpResponse:
    """The task page; `typed` carries what a refused POST sent back (comment_text, comment_error,
    reason, reason_error) so nothing typed is lost and each error shows beside its field."""
    spec = row.form or {}
    if form is None:
        initial = {k: v for k, v in (row.data or {}).items() if not isinstance(v, dict)}
        form = schema_form(spec.get("schema") or {}, order=spec.get("order") or (), labels=spec.get("labels"),
                           initial=initial)
    actor = service.actor_of(request.user)
    facts = service.facts(row)
    wf = (Workflow.objects.filter(pk=row.workflow_id).select_related("snapshot")
          .only("id", "name", "version", "input", "status", "created_by", "snapshot__definition").first())
    task_input, node_ref = Task.objects.filter(pk=row.task_id).values_list("input", "node_ref").first() or ({}, "")
    items = context.summary(task_input)
    return render(request, "humantasks/task.html", {
        "row": row, "form": form, "error": error, "wf": wf, "context_items": items,
        "field_errors": field_errors.mark(form),
        "comments": comments.listed(row.task_id), **typed,
        # Without `contextParameters` the page shows the workflow input, as it always has.
        "wf_input": json.dumps(wf.input if wf else {}, indent=2, sort_keys=True) if items is None else "",
        "steps": outline.load(row.workflow_id, wf.snapshot.definition, node_ref or row.ref) if wf else [],
        "data_json": json.dumps(row.data or {}, indent=2, sort_keys=True),
        "can": {name: transitions.refusal(name, facts, actor) is None for name in transitions.TRANSITIONS},
        "why_not_claim": transitions.refusal("claim", facts, actor), "form_error": spec.get("error", ""),
    }, status=status)


@login_required
@require_GET
def task_page(request: HttpRequest, task_id: str) -> HttpResponse:
    return _page(request, _visible(request, task_id))


@login_required
@require_POST
def task_action(request: HttpRequest, task_id: str, action: str) -> HttpResponse:
    row = _visible(request, task_id)
    try:
        if action == "claim":
            service.claim(task_id, request.user)
            messages.success(request, "Claimed: the task is yours until you decide or release it.")
        elif action == "release":
            service.release(task_id, request.user)
            messages.success(request, "Released: others may claim it again.")
        else:
            raise Http404("No such action")
    except ServiceError as exc:
        return _page(request, row, error=exc.message, status=exc.status_code)
    return redirect("humantasks:task", task_id=task_id)


@login_required
@require_http_methods(["POST"])
def decide(request: HttpRequest, task_id: str) -> HttpResponse:
    row = _visible(request, task_id)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        return _page(request, row, error="decision: choose Approve or Reject.", status=400)
    approve = decision == "approve"
    spec = row.form or {}
    # Only an approval submits the form: a rejection must not come back with the fields marked.
    form = schema_form(spec.get("schema") or {}, order=spec.get("order") or (), labels=spec.get("labels"),
                       data=request.POST if approve else None)
    try:
        if approve:
            if not form.is_valid():
                return _page(request, row, form, "Please correct the fields marked below.", status=400)
            row = service.decide(task_id, request.user, approve=True, data=form_value(form.cleaned_data))
        else:
            row = service.decide(task_id, request.user, approve=False, reason=request.POST.get("reason", ""))
    except InvalidInput as exc:
        typed = {"reason": request.POST.get("reason", "")}
        for err in exc.validation_errors:
            key = str(err.get("path", "")).removeprefix("$.")
            if key == "reason":
                typed["reason_error"] = exc.message.removeprefix("reason: ")
            elif key in form.fields and form.is_bound:
                form.add_error(key, str(err.get("message")))
        return _page(request, row, form, exc.message, status=400, **typed)
    except ServiceError as exc:
        return _page(request, row, form, exc.message, status=exc.status_code)
    if row.status == HumanTask.Status.OPEN:  # an N-of-M vote that did not decide yet
        messages.success(request, f"Recorded ({voting.progress_line(row)}): the next approver takes it from here.")
    else:
        messages.success(request, "Approved: the workflow moves on." if approve else "Rejected.")
    return redirect("humantasks:inbox")


@login_required
@require_POST
def comment(request: HttpRequest, task_id: str) -> HttpResponse:
    row = _visible(request, task_id)
    text = request.POST.get("text", "")
    try:
        comments.add(row, request.user, text)
    except ServiceError as exc:
        return _page(request, row, status=exc.status_code, comment_text=text,
                     comment_error=exc.message.removeprefix("text: "))
    return redirect(f"{reverse('humantasks:task', args=[task_id])}#ht-comments")


@login_required
@require_http_methods(["GET", "POST"])
def act(request: HttpRequest, task_id: str, token: str) -> HttpResponse:
    """A signed one-click link: GET shows what it would do, the CSRF POST does it."""
    try:
        link = links.verify(task_id, token, request.user)
    except links.LinkRefused as exc:
        return render(request, "humantasks/link_error.html", {"message": exc.message}, status=exc.status_code)
    row = _visible(request, task_id)
    page = {"row": row, "link": link, "reason": "", "error": "",
            "expires": datetime.fromtimestamp(link.expires, tz=UTC),
            "context_items": context.summary(Task.objects.filter(pk=task_id).values_list("input", flat=True).first()),
            "full_page": links.needs_the_full_page(row, link.action),
            "why_not": links.refusal(row, request.user, link.action)}
    if request.method == "GET" or page["full_page"] or page["why_not"]:
        return render(request, "humantasks/act.html", page, status=409 if page["why_not"] else 200)
    reason = request.POST.get("reason", "")
    try:
        links.perform(row, request.user, link.action, reason)
    except ServiceError as exc:
        if isinstance(exc, InvalidInput) and link.action == "approve":
            page["full_page"] = True  # the form's schema wants data a click cannot give
        return render(request, "humantasks/act.html", {**page, "reason": reason, "error": exc.message},
                      status=exc.status_code)
    messages.success(request, "Approved: the workflow moves on." if link.action == "approve" else "Rejected.")
    return redirect("humantasks:task", task_id=task_id)
