"""Event handler pieces that need no database: payload decoding, inline-JSON expansion, the
condition's truthiness (Conductor's ScriptEvaluator.toBoolean) and handler validation."""

from __future__ import annotations

import pytest

from orchestrator.eventing import handlers
from orchestrator.eventing.actions import expand_inline_json
from orchestrator.eventing.models import EventHandler
from orchestrator.eventing.processor import _condition_holds, decode
from orchestrator.sandbox import ScriptError


def test_a_body_is_json_when_it_parses_and_text_otherwise() -> None:
    assert decode(b'{"a": [1, 2]}') == {"a": [1, 2]}
    assert decode(b"plain words") == "plain words"
    assert decode("42") == 42


def test_inline_json_strings_are_expanded_recursively() -> None:
    payload = {"order": '{"id": "o-1", "lines": "[1, 2]"}', "note": "{not json", "n": 3}
    assert expand_inline_json(payload) == {"order": {"id": "o-1", "lines": [1, 2]}, "note": "{not json", "n": 3}


@pytest.mark.parametrize(("condition", "payload", "holds"), [
    ("", {"x": 1}, True),
    ("$.x == 1", {"x": 1}, True),
    ("$.x == 1", {"x": 2}, False),
    ("$.x", {"x": 3}, True),  # a number > 0 counts as true, as in Conductor
    ("$.x", {"x": 0}, False),
    ("$.x", {"x": "yes"}, False),  # a string is not a boolean: false, as in Conductor
    ("$.payload === 'ping'", "ping", True),  # a text body is `$.payload`
])
def test_condition_truthiness(condition: str, payload: object, holds: bool) -> None:
    assert _condition_holds(EventHandler(name="h", event="amqp:q", condition=condition), payload) is holds


def test_a_condition_that_throws_raises_a_script_error() -> None:
    with pytest.raises(ScriptError):
        _condition_holds(EventHandler(name="h", event="amqp:q", condition="$.a.b.c"), {})


def test_check_returns_the_stored_fields_with_conductor_defaults() -> None:
    fields = handlers.check({"name": "h", "event": "conductor:wf:ref", "actions": [
        {"action": "complete_task", "complete_task": {"taskId": "${taskId}"}}]})
    assert fields["active"] is False and fields["condition"] == "" and fields["evaluator_type"] == ""
