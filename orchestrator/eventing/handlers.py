"""EventHandler documents: validated as Conductor's MetadataService does, stored, shaped back.

Every error names its field (`actions[1].start_workflow.name`), and all of them are reported at
once, as workflow definition validation does.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from orchestrator.sandbox import check_js_syntax
from orchestrator.services.errors import Conflict, InvalidInput, NotFound

from .models import EventHandler

# The sinks Baton consumes and publishes (see `sinks`); Conductor's other modules (sqs, kafka,
# nats) are not here, so a handler naming them would never fire: refused instead.
SINKS = ("conductor", "amqp")
ACTIONS = ("start_workflow", "complete_task", "fail_task")
JS_EVALUATORS = ("", "javascript", "graaljs")


class HandlerInvalid(InvalidInput):
    def __init__(self, errors: list[dict[str, str]]) -> None:
        summary = "; ".join(f"{e['path']}: {e['message']}" for e in errors)
        super().__init__(f"Invalid event handler: {summary}", validation_errors=errors)


def check(doc: Any) -> dict[str, Any]:
    """The handler's fields as stored, or HandlerInvalid listing every problem."""
    errors: list[dict[str, str]] = []

    def bad(path: str, message: str) -> None:
        errors.append({"path": path, "message": message})

    if not isinstance(doc, dict):
        raise HandlerInvalid([{"path": "$", "message": "the body must be an EventHandler JSON object"}])
    name = doc.get("name")
    if not isinstance(name, str) or not name.strip():
        bad("name", "Missing event handler name: a non-empty string")
    elif "/" in name:
        bad("name", "must not contain '/' (it is a path segment of DELETE /api/event/{name})")
    event = doc.get("event")
    if not isinstance(event, str) or ":" not in event:
        bad("event", "Missing or malformed event: '<sink>:<queue>', e.g. 'amqp:orders'")
    else:
        sink, _, queue = event.partition(":")
        if sink not in SINKS:
            bad("event", f"unsupported sink {sink!r}: Baton consumes {', '.join(SINKS)}")
        elif not queue.strip():
            bad("event", "the queue name after the sink is empty")
    condition = doc.get("condition")
    evaluator = doc.get("evaluatorType") or ""
    if condition is not None and not isinstance(condition, str):
        bad("condition", "must be a JavaScript expression string")
    elif evaluator not in JS_EVALUATORS:
        bad("evaluatorType", f"unsupported evaluator {evaluator!r}: javascript or graaljs")
    elif condition and condition.strip():
        syntax = check_js_syntax(condition)
        if syntax:
            bad("condition", f"not valid JavaScript: {syntax}")
    actions = doc.get("actions")
    if not isinstance(actions, list) or not actions:
        bad("actions", "No actions specified: a non-empty list")
    else:
        for i, action in enumerate(actions):
            errors += _check_action(action, f"actions[{i}]")
    active = doc.get("active", False)
    if active is not None and not isinstance(active, bool):
        bad("active", "must be true or false")
    tags = doc.get("tags") or []
    if not isinstance(tags, list):
        bad("tags", "must be a list of {key, value} tags")
    if errors:
        raise HandlerInvalid(errors)
    return {"name": name, "event": event, "condition": condition or "", "evaluator_type": evaluator,
            "actions": actions, "active": bool(active), "tags": tags}


def _check_action(action: Any, path: str) -> list[dict[str, str]]:
    if not isinstance(action, dict):
        return [{"path": path, "message": "must be an action object"}]
    kind = action.get("action")
    if kind not in ACTIONS:
        return [{"path": f"{path}.action", "message": f"unknown action {kind!r}: one of {', '.join(ACTIONS)}"}]
    out: list[dict[str, str]] = []
    body = action.get(kind)
    where = f"{path}.{kind}"
    if not isinstance(body, dict):
        return [{"path": where, "message": f"the {kind} parameters object is missing"}]
    if action.get("expandInlineJSON") not in (None, True, False):
        out.append({"path": f"{path}.expandInlineJSON", "message": "must be true or false"})
    if kind == "start_workflow":
        if not isinstance(body.get("name"), str) or not body["name"].strip():
            out.append({"path": f"{where}.name", "message": "Missing workflow name"})
        version = body.get("version")
        if version is not None and (not isinstance(version, int) or isinstance(version, bool) or version < 1):
            out.append({"path": f"{where}.version", "message": "must be a positive integer or null"})
        for key in ("input", "taskToDomain"):
            if body.get(key) is not None and not isinstance(body[key], dict):
                out.append({"path": f"{where}.{key}", "message": "must be an object"})
        if body.get("correlationId") is not None and not isinstance(body["correlationId"], str):
            out.append({"path": f"{where}.correlationId", "message": "must be a string"})
        return out
    task_id, wf_id, ref = body.get("taskId"), body.get("workflowId"), body.get("taskRefName")
    if not _text(task_id) and not (_text(wf_id) and _text(ref)):
        out.append({"path": where, "message": "needs taskId, or workflowId and taskRefName"})
    if body.get("output") is not None and not isinstance(body["output"], dict):
        out.append({"path": f"{where}.output", "message": "must be an object"})
    return out


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def add(doc: Any) -> EventHandler:
    """POST /api/event: a new handler; 409 when the name is taken (Conductor's ConflictException)."""
    fields = check(doc)
    try:
        with transaction.atomic():
            return EventHandler.objects.create(**fields)
    except IntegrityError:
        raise Conflict(f"EventHandler with name {fields['name']} already exists!") from None


def update(doc: Any) -> EventHandler:
    """PUT /api/event: replace a handler by name; 404 when there is none."""
    fields = check(doc)
    with transaction.atomic():
        row = EventHandler.objects.select_for_update().filter(name=fields["name"]).first()
        if row is None:
            raise NotFound(f"EventHandler with name {fields['name']} not found!")
        for key, value in fields.items():
            setattr(row, key, value)
        row.save()
    return row


def remove(name: str) -> None:
    deleted, _ = EventHandler.objects.filter(name=name).delete()
    if not deleted:
        raise NotFound(f"EventHandler with name {name} not found!")


def all_handlers() -> list[EventHandler]:
    return list(EventHandler.objects.order_by("name"))


def for_event(event: str, active_only: bool = True) -> list[EventHandler]:
    rows = EventHandler.objects.filter(event=event)
    if active_only:
        rows = rows.filter(active=True)
    return list(rows.order_by("name"))


def active_events() -> set[str]:
    """The events some active handler listens to: what the consumers subscribe to."""
    return set(EventHandler.objects.filter(active=True).values_list("event", flat=True))


def as_json(row: EventHandler) -> dict[str, Any]:
    """Conductor's EventHandler JSON (what the SDK's EventHandler model reads)."""
    doc: dict[str, Any] = {"name": row.name, "event": row.event, "actions": row.actions, "active": row.active}
    if row.condition:
        doc["condition"] = row.condition
    if row.evaluator_type:
        doc["evaluatorType"] = row.evaluator_type
    if row.tags:
        doc["tags"] = row.tags
    return doc
