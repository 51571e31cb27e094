"""TaskDef JSON → `TaskDefinition`, with Conductor's defaults taken from the dataclass itself.

Used for a WorkflowTask's inline `taskDefinition`, which Conductor prefers over the registered
TaskDef of that name (MetadataMapperService fills one in only when the task carries none).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from .model import TaskDefinition
from .schemas import schema_fields


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part.title() for part in rest)


_INT_FIELDS = {_camel(f.name): f.name for f in fields(TaskDefinition) if f.type in ("int", "int | None")}
_STR_FIELDS = {_camel(f.name): f.name for f in fields(TaskDefinition) if f.type == "str" and f.name != "name"}


def task_definition(doc: Mapping[str, Any], name: str) -> TaskDefinition:
    """The engine view of a TaskDef document; absent or ill-typed fields keep Conductor's defaults."""
    values: dict[str, Any] = {}
    for key, attr in _INT_FIELDS.items():
        value = doc.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            values[attr] = value
    for key, attr in _STR_FIELDS.items():
        value = doc.get(key)
        if isinstance(value, str) and value:
            values[attr] = value
    template = doc.get("inputTemplate")
    if isinstance(template, dict):
        values["input_template"] = template
    values.update(schema_fields(doc))
    if values.get("response_timeout_seconds", 1) < 1:
        del values["response_timeout_seconds"]  # as for registered defs: below 1 s means the default
    if values.get("poll_timeout_seconds", 1) < 1:
        del values["poll_timeout_seconds"]
    return TaskDefinition(name=name, **values)


def inline_task_definitions(nodes: Any) -> dict[str, TaskDefinition]:
    """Task name → its inline `taskDefinition`, for the nodes that carry one (the first wins)."""
    found: dict[str, TaskDefinition] = {}
    for node in nodes:
        doc = node.raw.get("taskDefinition")
        if isinstance(doc, dict) and node.name not in found:
            found[node.name] = task_definition(doc, node.name)
    return found
