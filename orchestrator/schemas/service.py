"""Saving, reading and deleting registered schemas (Orkes' SchemaDef), validated on save.

Every document of a save is checked before any is written; problems carry stable ids (`SC.E0xx`,
docs/validation.md) and the JSON path of the bad value, the bad keyword of an invalid schema
included (`$[0].data.properties.total.type`).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from orchestrator.engine.problems import Problem, problem, shown
from orchestrator.engine.schemas import SchemaRef
from orchestrator.services.errors import Conflict, InvalidInput, NotFound

from . import refs, usage
from .models import SchemaDef
from .registry import SCHEMAS
from .validation import schema_problems

_NAME = re.compile(r"[A-Za-z0-9_.:\-]+")


class SchemaInvalid(InvalidInput):
    def __init__(self, problems: list[Problem]) -> None:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"Schema is invalid at {problems[0].path}: {problems[0].message}{more}",
                         validation_errors=[p.as_dict() for p in problems])


def check_schema_doc(doc: Any, at: str = "$", saved_with: frozenset[SchemaRef] = frozenset()) -> list[Problem]:
    """Every problem of one SchemaDef document (empty: it may be saved). `saved_with`: the
    schemas saved in the same request, which its `$ref`s may name (each also by name alone)."""
    if not isinstance(doc, dict):
        return [problem("SC.E001", at, f"A schema must be a JSON object (got {shown(doc)}).", None, doc)]
    out: list[Problem] = []
    name, version, kind = doc.get("name"), doc.get("version", 1), doc.get("type", "JSON")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        msg = f"name must be a non-empty string of letters, digits, '_', '-', '.' and ':' (got {shown(name)})."
        out.append(problem("SC.E002", f"{at}.name", msg, None, name))
    if version is not None and (isinstance(version, bool) or not isinstance(version, int) or version < 1):
        out.append(problem("SC.E003", f"{at}.version", f"version must be an integer ≥ 1 (got {shown(version)}).",
                           None, version))
    if kind is not None and kind != SchemaDef.Type.JSON:
        msg = f"type must be JSON (got {shown(kind)}): only JSON Schema can be registered and enforced."
        out.append(problem("SC.E004", f"{at}.type", msg, None, kind))
    if "data" not in doc or doc["data"] is None:
        out.append(problem("SC.E005", f"{at}.data", "data (the JSON Schema) is required."))
    else:
        for v in schema_problems(doc["data"]):
            path = f"{at}.data{v.path[1:]}"
            out.append(problem("SC.E005", path, f"data is not a valid JSON Schema: {v.message} ({v.rule})."))
        out += _ref_problems(doc["data"], f"{at}.data", saved_with)
    return out


def _ref_problems(data: Any, at: str, saved_with: frozenset[SchemaRef]) -> list[Problem]:
    """A `baton:` reference must name a registered schema, or one of the same request."""
    out: list[Problem] = []
    for path, uri in refs.registry_refs(data, at):
        ref = refs.target(uri)
        if ref is None:
            msg = (f"$ref {shown(uri)} is not a registered schema's URI: "
                   f"use {refs.SCHEME}<name> or {refs.SCHEME}<name>/<version>, optionally with a #fragment.")
            out.append(problem("SC.E006", path, msg, None, uri))
        elif ref not in saved_with and not exists(ref.name, ref.version):
            msg = f"$ref names schema {ref.label()}, which is not registered (save it first or in the same request)."
            out.append(problem("SC.E006", path, msg, None, uri))
    return out


def save_schemas(docs: list[Any], *, new_version: bool = False, user: str = "") -> list[SchemaDef]:
    """Create or overwrite schemas, all or nothing. With `new_version`, each is saved as the next
    version of its name (1 for a new name) whatever version it gives."""
    batch = frozenset(_batch_refs(docs))
    problems = [p for i, doc in enumerate(docs)
                for p in check_schema_doc(doc, f"$[{i}]" if len(docs) > 1 else "$", batch)]
    if problems:
        raise SchemaInvalid(problems)
    try:
        saved = _write(docs, new_version, user)
    except IntegrityError as exc:
        # Another request created the same (name, version) between our read and our insert.
        raise Conflict("A schema of the same name and version was saved at the same time; retry.") from exc
    # Other processes see the change within the registry's TTL; this one at once.
    transaction.on_commit(SCHEMAS.forget)
    return saved


def _batch_refs(docs: list[Any]) -> list[SchemaRef]:
    """What the documents of one save may be referred to as: name and version, and name alone."""
    found: list[SchemaRef] = []
    for doc in docs:
        if isinstance(doc, dict) and isinstance(doc.get("name"), str):
            version = doc.get("version") or 1
            found += [SchemaRef(doc["name"]), *([SchemaRef(doc["name"], version)] if isinstance(version, int) else [])]
    return found


def _write(docs: list[Any], new_version: bool, user: str) -> list[SchemaDef]:
    saved = []
    with transaction.atomic():
        for doc in docs:
            name, version = doc["name"], doc.get("version") or 1
            rows = SchemaDef.objects.select_for_update().filter(name=name)
            if new_version:
                top = rows.aggregate(top=Max("version"))["top"]
                version = (top or 0) + 1
            row = rows.filter(version=version).first() or SchemaDef(name=name, version=version, created_by=user)
            row.type = SchemaDef.Type.JSON
            row.data = doc["data"]
            row.external_ref = str(doc.get("externalRef") or "")
            row.updated_by = user
            row.save()
            saved.append(row)
    return saved


def get_schema(name: str, version: int | None = None) -> SchemaDef:
    """The schema of that name and version, or its latest version."""
    rows = SchemaDef.objects.filter(name=name)
    row = rows.filter(version=version).first() if version is not None else rows.order_by("-version").first()
    if row is None:
        shown_version = "" if version is None else f" version {version}"
        raise NotFound(f"No such schema: {name}{shown_version}")
    return row


def list_schemas() -> list[SchemaDef]:
    return list(SchemaDef.objects.order_by("name", "version"))


class SchemaInUse(Conflict):
    code = "SCHEMA_IN_USE"


def delete_schema(name: str, version: int | None = None) -> None:
    """Delete one version, or with no version every version of the name; refused (409, naming
    them) while definitions or other schemas use what would go (`usage`)."""
    shown_version = "" if version is None else f" version {version}"
    with transaction.atomic():
        rows = SchemaDef.objects.select_for_update().filter(name=name)
        if version is not None:
            rows = rows.filter(version=version)
        if not rows.exists():
            raise NotFound(f"No such schema: {name}{shown_version}")
        users = usage.users_of(name, version)
        if users:
            listed = ", ".join(users[:10]) + (f" (and {len(users) - 10} more)" if len(users) > 10 else "")
            raise SchemaInUse(f"Schema '{name}'{shown_version} is in use by {listed}; change or delete those first.",
                              validation_errors=[{"path": "$", "message": f"used by {u}", "rule": "in_use"}
                                                 for u in users])
        rows.delete()
    transaction.on_commit(SCHEMAS.forget)


def exists(name: str, version: int | None) -> bool:
    rows = SchemaDef.objects.filter(name=name)
    return (rows.filter(version=version) if version is not None else rows).exists()


def schema_json(row: SchemaDef) -> dict[str, Any]:
    """Orkes' SchemaDef JSON, as the SDK's `SchemaDef` reads it."""
    return {
        "name": row.name,
        "version": row.version,
        "type": row.type,
        "data": row.data,
        "externalRef": row.external_ref or None,
        "createTime": int(row.created.timestamp() * 1000),
        "updateTime": int(row.updated.timestamp() * 1000),
        "createdBy": row.created_by or None,
        "updatedBy": row.updated_by or None,
    }
