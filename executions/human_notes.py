"""Human notes on the event log, read generically: who claimed, approved, rejected, reassigned,
escalated or finished a task by hand, and with what data.

The runtime writes them as `workflow` events whose payload names the step: `humanTask` (claim,
release, "completed by hand", ... with `by`) or `humanDecision` (APPROVED / REJECTED with
`decidedBy`). Other engineers add kinds in parallel (an event kind `human.<x>`, or a new
`human…` payload key), so nothing here lists the known steps: any such event becomes a note of
kind `human.<step>` with its actor, time and the rest of its payload as data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from .models import ExecutionEvent, Task

# Payload keys that say who acted; the first one present is the note's `by`.
BY_KEYS = ("by", "decidedBy", "user", "assignee")
# The inbox's decisions: their submitted data is the task's output.
DECISION_KINDS = ("human.approved", "human.rejected")
# Payload keys that are the note's frame, not its data.
# `kind` names the step in the agreed audit notes; humanTask/humanDecision are older names of it.
FRAME_KEYS = {"status", "taskId", "kind", "humanTask", "humanDecision", *BY_KEYS}


@dataclass(frozen=True)
class HumanNote:
    kind: str
    by: str
    when: datetime
    task_id: str | None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def data_json(self) -> str:
        return json.dumps(self.data, indent=2, ensure_ascii=False, default=str)


def _step(kind: str, payload: dict[str, Any]) -> tuple[str, str] | None:
    """(kind of the note, the payload key that named it) or None for a non-human event."""
    if kind.startswith("human."):
        return kind, ""
    named = payload.get("kind")
    if isinstance(named, str) and named.startswith("human."):
        return named, "kind"
    for key, value in payload.items():
        if key.startswith("human") and isinstance(value, str) and value:
            return f"human.{value.lower().replace(' ', '_')}", key
    return None


def note_of(event: ExecutionEvent) -> HumanNote | None:
    payload = event.payload if isinstance(event.payload, dict) else {}
    step = _step(event.kind, payload)
    if step is None:
        return None
    kind, key = step
    by = next((str(payload[k]) for k in BY_KEYS if payload.get(k)), "")
    data = {k: v for k, v in payload.items() if k not in FRAME_KEYS and k != key and v not in (None, "", {})}
    if isinstance(data.get("data"), dict):  # submitted data, shown beside the note's other fields
        data = {**{k: v for k, v in data.items() if k != "data"}, **data["data"]}
    task_id = payload.get("taskId") or event.task_id
    return HumanNote(kind=kind, by=by, when=event.created, task_id=str(task_id) if task_id else None, data=data)


def with_submitted(notes: list[HumanNote]) -> list[HumanNote]:
    """An inbox decision's note carries the reason, not the form's data: that is the task's output
    (the data plus `decidedBy`). Give such notes the output of their task as data (one query)."""
    def bare(n: HumanNote) -> bool:
        return n.kind in DECISION_KINDS and not n.data and bool(n.task_id)

    wanted = {n.task_id for n in notes if bare(n)}
    if not wanted:
        return notes
    outputs = dict(Task.objects.filter(id__in=wanted).values_list("id", "output"))
    return [replace(n, data={"submitted": outputs[n.task_id or ""]}) if bare(n) and outputs.get(n.task_id or "")
            else n for n in notes]


def notes_of(events: Iterable[ExecutionEvent]) -> list[HumanNote]:
    return [n for n in (note_of(e) for e in events) if n is not None]


def notes_for_tasks(workflow_id: str, task_ids: Iterable[str], limit: int = 200) -> list[HumanNote]:
    """The human notes about some tasks of an execution, oldest first (the drawer's audit trail).
    Read over the execution's non-task events (its notes), which its index bounds."""
    wanted = set(task_ids)
    if not wanted:
        return []
    events = (ExecutionEvent.objects.filter(workflow_id=workflow_id).exclude(kind="task").order_by("id")[:5000])
    return with_submitted([n for n in notes_of(events) if n.task_id in wanted][:limit])
