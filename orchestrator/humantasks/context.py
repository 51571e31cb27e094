"""What an approver sees beside the form: the `contextParameters` a definition chose.

The engine resolved them like any input, so the task's own input holds label → value. Only
those values are shown (read-only, escaped by the template); a task without the key keeps
showing the workflow's input, as before. Never the whole execution.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Item:
    label: str
    text: str  # the value as shown: a string as it is, anything else as indented JSON
    block: bool  # a multi-line value (an object or a list) is shown in a <pre>


def summary(task_input: Mapping[str, Any] | None) -> list[Item] | None:
    """The items of the task's `contextParameters`, in the definition's order; None when the
    task has no such key (the page then falls back to the workflow input)."""
    context = (task_input or {}).get("contextParameters")
    if context is None:
        return None
    if not isinstance(context, dict):
        # An expression that resolved to something else than an object: show it whole.
        return [_item("Context", context)]
    return [_item(str(label), value) for label, value in context.items()]


def _item(label: str, value: Any) -> Item:
    if isinstance(value, str):
        return Item(label, value, "\n" in value)
    if value is None:
        return Item(label, "—", False)
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    return Item(label, text, isinstance(value, dict | list) and bool(value))
