"""One message → the active handlers of its event → their actions (Conductor's DefaultEventProcessor).

Per handler, one transaction holds: the EventExecution row (unique per handler and message id),
the actions' state changes (each in a savepoint), and a DeadLetter row for each action that
failed. So a redelivered message finds its execution row and does nothing again, and a crash
before commit leaves nothing behind: the unacknowledged message comes back and runs whole.
The consumer acknowledges only after `process` returns, i.e. after every handler committed.

The condition is JavaScript over `$` = the payload, in the same sandbox as INLINE; truthiness as
Conductor's ScriptEvaluator.toBoolean (a boolean, or a number > 0). A condition that fails to
run dead-letters the message for that handler instead of redelivering it forever.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from orchestrator.sandbox import SANDBOX, ScriptError

from . import actions, handlers
from .models import DeadLetter, EventExecution, EventHandler

log = logging.getLogger(__name__)
Status = EventExecution.Status


@dataclass(frozen=True)
class Handled:
    """What one handler did with the message (None status: it had handled it already)."""

    handler_name: str
    status: str | None
    output: list[dict[str, Any]]


def decode(body: bytes | str) -> Any:
    """The payload Conductor's handlers see: the body as JSON, else as text."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    try:
        return json.loads(text)
    except ValueError:
        return text


def process(message: actions.Message) -> list[Handled]:
    """Run every active handler of `message.event` on it, each in its own transaction."""
    return [_handle(row, message) for row in handlers.for_event(message.event, active_only=True)]


def _handle(handler: EventHandler, message: actions.Message) -> Handled:
    message = actions.Message(message.event, message.message_id, message.payload, handler.name)
    with transaction.atomic():
        try:
            with transaction.atomic():
                execution = EventExecution.objects.create(
                    handler_name=handler.name, message_id=message.message_id, event=message.event,
                    status=Status.COMPLETED, payload=_jsonable(message.payload))
        except IntegrityError:
            log.info("message %s already handled by %s: not again", message.message_id, handler.name)
            return Handled(handler.name, None, [])
        try:
            holds = _condition_holds(handler, message.payload)
        except ScriptError as exc:
            _dead_letter(handler, message, None, "condition", f"condition failed to evaluate: {exc}")
            return _finish(execution, Status.FAILED, [{"condition": handler.condition, "error": str(exc)}])
        if not holds:
            return _finish(execution, Status.SKIPPED, [{"condition": handler.condition, "skipped": True}])
        outputs: list[dict[str, Any]] = []
        failed = False
        for index, action in enumerate(handler.actions):
            try:
                with transaction.atomic():
                    outputs.append({"action": action.get("action"), **actions.run(action, message)})
            except actions.ActionFailed as exc:
                failed = True
                outputs.append({"action": action.get("action"), "error": exc.message})
                _dead_letter(handler, message, index, str(action.get("action")), exc.message)
        return _finish(execution, Status.FAILED if failed else Status.COMPLETED, outputs)


def _condition_holds(handler: EventHandler, payload: Any) -> bool:
    if not handler.condition.strip():
        return True
    # The sandbox binds `$` to a JSON object; a payload that is not one (text, a list) is seen
    # by the condition as `$.payload`.
    result = SANDBOX.eval_js(handler.condition, payload if isinstance(payload, dict) else {"payload": payload})
    if isinstance(result, bool):
        return result
    if isinstance(result, int | float):
        return result > 0
    return False


def _finish(execution: EventExecution, status: str, output: list[dict[str, Any]]) -> Handled:
    execution.status = status
    execution.output = output
    execution.save(update_fields=["status", "output"])
    return Handled(execution.handler_name, status, output)


def _dead_letter(handler: EventHandler, message: actions.Message, index: int | None, action: str,
                 error: str) -> None:
    log.warning("event %s message %s: handler %s action %s failed: %s",
                message.event, message.message_id, handler.name, action, error)
    DeadLetter.objects.create(message_id=message.message_id, handler_name=handler.name, event=message.event,
                              action_index=index, action=action, payload=_jsonable(message.payload), error=error)


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, dict | list | str | int | float | bool) or value is None else str(value)
