"""Signed one-click links for a human task (for email or chat): `/inbox/<taskId>/act/<token>/`.

The token (`TimestampSigner`, salted for this use) carries the task id, the action (approve or
reject), the intended user and an expiry. Opening it shows a confirm page (GET changes nothing);
its CSRF-protected POST claims the task if it is open and decides it, in one transaction, as the
signed-in user, who must be the intended user and still eligible (four-eyes and the candidates
apply as on the task page). A task whose form needs input sends people to the full task page.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db import transaction
from django.urls import reverse

from orchestrator.services.errors import ServiceError

from . import service, transitions
from .models import HumanTask

SALT = "baton.humantasks.act"
ACTIONS = ("approve", "reject")
DEFAULT_HOURS = 72


class LinkRefused(ServiceError):
    """The link cannot be used: tampered or expired (400), or meant for someone else (403)."""

    def __init__(self, message: str, status_code: int = 400) -> None:
        super().__init__(message)
        self.status_code = status_code


@dataclass(frozen=True)
class Link:
    task_id: str
    action: str
    username: str
    expires: int  # epoch seconds


def token(task_id: str, username: str, action: str, *, hours: float = DEFAULT_HOURS, now: float | None = None) -> str:
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {', '.join(ACTIONS)}, not {action!r}")
    expires = int((time.time() if now is None else now) + hours * 3600)
    return signing.TimestampSigner(salt=SALT).sign_object({"t": task_id, "a": action, "u": username, "x": expires})


def signed_link(task_id: str, user: Any, action: str, *, hours: float = DEFAULT_HOURS) -> str:
    """The site-relative URL of a one-click `action` on the task for `user` (a User or a username)."""
    username = user if isinstance(user, str) else user.get_username()
    return reverse("humantasks:act", args=[task_id, token(task_id, username, action, hours=hours)])


def verify(task_id: str, raw: str, user: Any, *, now: float | None = None) -> Link:
    """The link's content, or LinkRefused saying why it cannot be used by `user` now."""
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(raw)
    except signing.BadSignature as exc:
        raise LinkRefused("This link is not valid: it was altered or cut short. "
                          "Open the task from your inbox.") from exc
    if not isinstance(data, dict) or data.get("t") != task_id or data.get("a") not in ACTIONS:
        raise LinkRefused("This link is not valid for this task. Open the task from your inbox.")
    link = Link(str(data["t"]), str(data["a"]), str(data.get("u")), int(data.get("x") or 0))
    if (time.time() if now is None else now) > link.expires:
        raise LinkRefused("This link has expired. Open the task from your inbox instead.")
    if user.get_username() != link.username:
        raise LinkRefused(f"This link was sent to {link.username}; you are signed in as {user.get_username()}.", 403)
    return link


def needs_the_full_page(row: HumanTask, action: str) -> bool:
    """An approval whose form has required fields cannot be one click: the page has the form."""
    schema = (row.form or {}).get("schema") or {}
    return action == "approve" and bool(schema.get("required"))


def refusal(row: HumanTask, user: Any, action: str) -> str | None:
    """Why `user` may not take `action` on the task now (open: they would claim it first)."""
    facts, actor = service.facts(row), service.actor_of(user)
    if row.status == HumanTask.Status.OPEN:
        return transitions.refusal("claim", facts, actor)
    return transitions.refusal(action, facts, actor)


def perform(row: HumanTask, user: Any, action: str, reason: str = "") -> HumanTask:
    """Claim (when open) and decide in one transaction: a refused decision leaves no claim."""
    with transaction.atomic():
        if row.status == HumanTask.Status.OPEN:
            service.claim(row.task_id, user)
        return service.decide(row.task_id, user, approve=action == "approve", reason=reason)
