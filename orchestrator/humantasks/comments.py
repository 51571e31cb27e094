"""Comments on a human task: who may see the task may comment; each comment is noted on the run's
event log as `human.commented` through the runtime (the row is written under the workflow lock,
so the comment and its note commit together or not at all)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from orchestrator.services import runtime
from orchestrator.services.commands import HumanNote
from orchestrator.services.errors import InvalidInput, NotFound

from . import service
from .models import HumanComment, HumanTask

MAX_LENGTH = 4000


def listed(task_id: str) -> list[HumanComment]:
    """The task's comments, oldest first."""
    return list(HumanComment.objects.filter(task_id=task_id).order_by("created", "id"))


def add(row: HumanTask, user: Any, text: str) -> HumanComment:
    """Add `text` as `user`'s comment on the task of `row` (from `service.get`); NotFound for a
    task the user may not see (its existence is not disclosed), InvalidInput naming `text` when it
    is empty or too long."""
    task_id = row.task_id
    if not service.may_see(row, service.actor_of(user)):
        raise NotFound(f"No human task {task_id}")
    text = text.strip()
    if not text:
        raise InvalidInput("text: a comment needs some text",
                           validation_errors=[{"path": "text", "message": "required"}])
    if len(text) > MAX_LENGTH:
        raise InvalidInput(f"text: a comment holds at most {MAX_LENGTH} characters",
                           validation_errors=[{"path": "text", "message": f"at most {MAX_LENGTH} characters"}])
    username = user.get_username()
    made: list[HumanComment] = []

    def record() -> None:
        made.append(HumanComment.objects.create(task_id=task_id, author=user, author_name=username, text=text,
                                                created=timezone.now()))

    payload = {"ref": row.ref, "by": username, "data": {"text": text}}
    runtime.execute(HumanNote(task_id, "human.commented", payload, record))
    return made[0]
