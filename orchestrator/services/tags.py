"""Tags on workflow and task definitions: `/metadata/workflow/{name}/tags`, `/metadata/task/{name}/tags`.

The wire shape is the SDK's TagObject, `{"key", "value", "type"}`; `type` defaults to METADATA.
A workflow's tags belong to its name (every version), as in Conductor. A tag is identified by
(type, key, value): adding one that is already there changes nothing, and so does removing one
that is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from orchestrator.models import DefinitionTag, TaskDef, WorkflowDef

from .errors import InvalidInput, NotFound, WorkflowDefNotFound

Target = DefinitionTag.Target
_MAX_TAGS = 100  # per definition; a guard against a runaway client, not a Conductor rule


@dataclass(frozen=True)
class Tag:
    key: str
    value: str | int | float | bool
    type: str = "METADATA"

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "type": self.type, "value": self.value}


def parse_tags(doc: Any, *, many: bool) -> list[Tag]:
    """The request body as tags: one TagObject, or (`many`) a list of them.

    Raises InvalidInput naming the first bad field, e.g. `$[1].key`.
    """
    if many and isinstance(doc, list):
        items, paths = doc, [f"$[{i}]" for i in range(len(doc))]
    elif isinstance(doc, dict):
        items, paths = [doc], ["$"]
    else:
        wanted = "a list of tags [{key, value, type?}]" if many else "a tag {key, value, type?}"
        raise InvalidInput(f"The request body must be {wanted}")
    if len(items) > _MAX_TAGS:
        raise InvalidInput(f"At most {_MAX_TAGS} tags per definition, got {len(items)}")
    return [_parse_tag(item, path) for item, path in zip(items, paths, strict=True)]


def _parse_tag(item: Any, path: str) -> Tag:
    if not isinstance(item, dict):
        raise InvalidInput(f"{path} must be a tag object {{key, value, type?}}")
    key = item.get("key")
    if not isinstance(key, str) or not key.strip() or len(key) > 255:
        raise InvalidInput(f"{path}.key must be a non-empty string of at most 255 characters, got {key!r}")
    value = item.get("value")
    if not isinstance(value, str | int | float | bool) or (isinstance(value, str) and len(value) > 1024):
        raise InvalidInput(f"{path}.value must be a string (at most 1024 characters), number or boolean, "
                           f"got {value!r}")
    kind = item.get("type")
    if kind is None:
        kind = "METADATA"
    if kind not in DefinitionTag.TYPES:
        raise InvalidInput(f"{path}.type must be one of {', '.join(DefinitionTag.TYPES)}, got {kind!r}")
    return Tag(key=key, value=value, type=kind)


def _require_definition(target: str, name: str) -> None:
    if target == Target.WORKFLOW:
        if not WorkflowDef.objects.filter(name=name).exists():
            raise WorkflowDefNotFound(name, None)
    elif not TaskDef.objects.filter(name=name).exists():
        raise NotFound(f"No such taskType found by name: {name}")


def get_tags(target: str, name: str) -> list[Tag]:
    _require_definition(target, name)
    return _tags_of(target, name)


def _tags_of(target: str, name: str) -> list[Tag]:
    rows = DefinitionTag.objects.filter(target=target, name=name).order_by("id")
    return [Tag(key=r.key, value=r.value, type=r.type) for r in rows]


def add_tags(target: str, name: str, tags: list[Tag]) -> None:
    """Add the tags the definition does not have yet."""
    with transaction.atomic():
        _require_definition(target, name)
        have = set(_tags_of(target, name))
        new = [t for t in dict.fromkeys(tags) if t not in have]
        if len(have) + len(new) > _MAX_TAGS:
            raise InvalidInput(f"At most {_MAX_TAGS} tags per definition")
        _insert(target, name, new)


def set_tags(target: str, name: str, tags: list[Tag]) -> None:
    """Replace all of the definition's tags."""
    with transaction.atomic():
        _require_definition(target, name)
        DefinitionTag.objects.filter(target=target, name=name).delete()
        _insert(target, name, list(dict.fromkeys(tags)))


def remove_tags(target: str, name: str, tags: list[Tag]) -> None:
    with transaction.atomic():
        _require_definition(target, name)
        for tag in tags:
            DefinitionTag.objects.filter(target=target, name=name, type=tag.type, key=tag.key,
                                         value=tag.value).delete()


def forget_tags(target: str, name: str) -> None:
    """Drop the tags of a definition that no longer exists (so a new one of that name starts bare)."""
    DefinitionTag.objects.filter(target=target, name=name).delete()


def _insert(target: str, name: str, tags: list[Tag]) -> None:
    # A concurrent add of the same tag is not an error: the unique constraint keeps one row.
    DefinitionTag.objects.bulk_create(
        [DefinitionTag(target=target, name=name, key=t.key, value=t.value, type=t.type) for t in tags],
        ignore_conflicts=True)
