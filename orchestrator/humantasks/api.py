"""/api/human/: the inbox as JSON, for custom front ends. The same service calls as the pages
(so the same validation, transition rules and audit notes); only the shapes are here.

    GET  /api/human/tasks?scope=mine|claimable|done&workflow=&priority=&correlationId=&overdue=&sort=
    GET  /api/human/tasks/{taskId}
    POST /api/human/tasks/{taskId}/claim | /release
    POST /api/human/tasks/{taskId}/assign    {"assignee": "username"}
    POST /api/human/tasks/{taskId}/decision  {"decision": "APPROVE"|"REJECT", "data": {...}, "reason": "..."}

Who acts: a signed-in session (with CSRF) acts as its user. An application token is no person:
an ADMIN application (a front end's back end) names the user it acts for in `X-Baton-User`, and
every rule applies to that user; a WORKER application may not act for anyone (403).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from orchestrator.api.base import ApiView, ok
from orchestrator.api.exceptions import BadRequest
from orchestrator.services.access import Forbidden, Principal
from orchestrator.services.errors import NotFound

from . import listing, service, transitions, voting
from .models import HumanTask

ACTING_HEADER = "X-Baton-User"


def person(request: Request) -> Any:
    """The user the request acts as (see the module docstring)."""
    caller = request.user
    if getattr(caller, "is_authenticated", False) and not isinstance(caller, Principal):
        return caller
    if isinstance(caller, Principal) and not caller.is_admin:
        raise Forbidden("A WORKER application may not act on human tasks; use a session or an ADMIN application")
    name = request.headers.get(ACTING_HEADER, "").strip()
    if not name:
        raise BadRequest(f"{ACTING_HEADER}: an application token must name the user it acts for in this header")
    user = get_user_model().objects.filter(username=name, is_active=True).first()
    if user is None:
        raise BadRequest(f"{ACTING_HEADER}: no active user {name!r}")
    return user


def _name(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def task_json(row: HumanTask, user: Any, *, detail: bool = False) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "taskId": row.task_id, "workflowId": row.workflow_id, "workflowName": row.workflow_name, "ref": row.ref,
        "status": row.status, "priority": row.priority, "created": _when(row.created),
        "candidateUsers": row.candidate_users, "candidateGroups": row.candidate_groups, "openToAll": row.open_to_all,
        "claimedBy": _name(row.claimed_by), "claimedAt": _when(row.claimed_at),
        "decidedBy": _name(row.decided_by), "decidedAt": _when(row.decided_at),
    }
    if hasattr(row, "due_at"):  # the due-time field, where that feature is installed
        doc["dueAt"] = _when(row.due_at)
    if not detail:
        return doc
    facts, actor = service.facts(row), service.actor_of(user)
    policy = voting.policy_for(row)
    votes = [{"by": v.username, "at": _when(v.at), "approve": v.approve, "data": v.data, "reason": v.reason}
             for v in row.votes.all()]
    doc.update({
        "form": row.form, "fourEyes": row.four_eyes, "reasonRequired": row.reason_required,
        "data": row.data, "reason": row.reason,
        "approvals": None if policy is None else {
            "required": policy.required, "rejectionsToFail": policy.rejections_to_fail,
            "progress": voting.progress_line(row), "votes": votes},
        "can": {name: transitions.refusal(name, facts, actor) is None
                for name in ("claim", "release", "approve", "reject", "reassign")},
    })
    return doc


def visible(task_id: str, user: Any) -> HumanTask:
    """The task if `user` may see it; else 404, as the pages (its existence is not disclosed)."""
    row = service.get(task_id)
    if not service.may_see(row, service.actor_of(user)):
        raise NotFound(f"No human task {task_id}")
    return row


def _body(request: Request) -> dict[str, Any]:
    if not isinstance(request.data, dict):
        raise BadRequest("The request body must be a JSON object")
    return request.data


class HumanApiView(ApiView):
    # Any signed-in person (not only ADMIN): who may do what is the transition table's business.
    worker_allowed = True


SCOPES = ("mine", "claimable", "done")


def listed(user: Any, params: Any) -> list[HumanTask]:
    """One of the user's inbox lists, narrowed and sorted by the inbox page's own filters (one
    grammar for both); a bad parameter is a 400 naming it, never a list that hides the mistake.
    Only the asked list is read."""
    scope = params.get("scope", "mine")
    if scope not in SCOPES:
        raise BadRequest(f"scope: {scope!r} is not one of {', '.join(SCOPES)}")
    query, errors = listing.parse(params)
    if errors:
        raise BadRequest(next(iter(errors.values())))
    return service.inbox_scope(user, scope, query, timezone.now())


class Tasks(HumanApiView):
    def get(self, request: Request) -> Response:
        user = person(request)
        rows = listed(user, request.query_params)
        return ok({"totalHits": len(rows), "results": [task_json(r, user) for r in rows]})


class TaskDetail(HumanApiView):
    def get(self, request: Request, task_id: str) -> Response:
        user = person(request)
        return ok(task_json(visible(task_id, user), user, detail=True))


class Claim(HumanApiView):
    def post(self, request: Request, task_id: str) -> Response:
        user = person(request)
        visible(task_id, user)
        return ok(task_json(service.claim(task_id, user), user, detail=True))


class Release(HumanApiView):
    def post(self, request: Request, task_id: str) -> Response:
        user = person(request)
        visible(task_id, user)
        return ok(task_json(service.release(task_id, user), user, detail=True))


class Assign(HumanApiView):
    def post(self, request: Request, task_id: str) -> Response:
        user = person(request)
        body = _body(request)
        visible(task_id, user)
        assignee = body.get("assignee")
        if not isinstance(assignee, str) or not assignee.strip():
            raise BadRequest("assignee: a username (string) is required")
        return ok(task_json(service.reassign(task_id, user, assignee.strip()), user, detail=True))


class Decision(HumanApiView):
    def post(self, request: Request, task_id: str) -> Response:
        user = person(request)
        body = _body(request)
        visible(task_id, user)
        decision = body.get("decision")
        if decision not in ("APPROVE", "REJECT"):
            raise BadRequest("decision: must be \"APPROVE\" or \"REJECT\"")
        data = body.get("data", {})
        if not isinstance(data, dict):
            raise BadRequest("data: must be a JSON object (the form's fields)")
        reason = body.get("reason", "")
        if not isinstance(reason, str):
            raise BadRequest("reason: must be a string")
        row = service.decide(task_id, user, approve=decision == "APPROVE", data=data, reason=reason)
        return ok(task_json(row, user, detail=True))
