"""Which definitions use a registered schema: what deleting it would break.

A schema is in use when a TaskDef or a WorkflowDef names it as `inputSchema` / `outputSchema`
(enforced or not: registration refuses a reference to a missing schema either way), when a
WorkflowDef's inline `taskDefinition` or a HUMAN task's `form` does, or when another schema
refers to it with `$ref` (`baton:schema/...`).

A reference with a version pins that version; one without a version means the latest, so it
keeps the name in use until its last version goes.

Example:
    users_of("address", 1)  # ["task definition 'ship'", "schema 'order' version 2 ($ref)"]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import TextField
from django.db.models.functions import Cast

from orchestrator.engine.schemas import SchemaRef, schema_ref
from orchestrator.models import TaskDef, WorkflowDef

from . import refs
from .models import SchemaDef


def users_of(name: str, version: int | None) -> list[str]:
    """Who uses schema `name` (one version, or with None any version), described for a message;
    empty: nothing does, it may be deleted."""
    remaining = set(SchemaDef.objects.filter(name=name).values_list("version", flat=True))
    gone = set(remaining) if version is None else {version}
    last_goes = not (remaining - gone)

    def hit(ref: SchemaRef) -> bool:
        return ref.name == name and (ref.version in gone if ref.version is not None else last_goes)

    found: list[str] = []
    for tname, doc in _mentioning(TaskDef.objects.all(), f'"{name}"', "name", "definition"):
        if any(hit(r) for r in _definition_refs(doc)):
            found.append(f"task definition '{tname}'")
    for (wname, wversion), doc in _mentioning(WorkflowDef.objects.all(), f'"{name}"', ("name", "version"),
                                               "definition"):
        if any(hit(r) for r in _definition_refs(doc)):
            found.append(f"workflow definition '{wname}' version {wversion}")
    schemas = _mentioning(SchemaDef.objects.all(), refs.SCHEME + name, ("name", "version"), "data")
    for (sname, sversion), data in schemas:
        if sname == name and sversion in gone:
            continue  # going too: a schema referring to itself does not keep itself
        if any(hit(r) for r in refs.referenced(data)):
            found.append(f"schema '{sname}' version {sversion} ($ref)")
    return found


def _mentioning(rows: Any, text: str, key: str | tuple[str, str], column: str) -> Iterator[tuple[Any, Any]]:
    """(key, JSON) of the rows whose JSON column mentions `text` anywhere: a cheap filter in the
    database, the exact check in Python on the few rows it leaves."""
    keys = [key] if isinstance(key, str) else list(key)
    candidates = rows.annotate(_text=Cast(column, TextField())).filter(_text__contains=text)
    for *values, doc in candidates.values_list(*keys, column).iterator():
        yield (values[0] if isinstance(key, str) else tuple(values)), doc


def _definition_refs(doc: Any) -> Iterator[SchemaRef]:
    """Every schema reference of a TaskDef or WorkflowDef JSON: its own, its inline task
    definitions' and its HUMAN tasks' registered forms, wherever they are nested."""
    if isinstance(doc, dict):
        for key in ("inputSchema", "outputSchema"):
            ref = schema_ref(doc.get(key))
            if ref is not None:
                yield ref
        params = doc.get("inputParameters")
        if doc.get("type") == "HUMAN" and isinstance(params, dict) and isinstance(params.get("form"), dict):
            form = params["form"]
            ref = schema_ref(form) if "schema" not in form else None
            if ref is not None:
                yield ref
        for value in doc.values():
            yield from _definition_refs(value)
    elif isinstance(doc, list):
        for item in doc:
            yield from _definition_refs(item)
