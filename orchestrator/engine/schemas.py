"""What the engine asks of a JSON Schema registry: references, violations, and one protocol.

A TaskDef may name an `inputSchema` / `outputSchema` (`{name, version}`, Orkes' SchemaDef
reference) and set `enforceSchema`. The engine checks a task's resolved input when it schedules
it (worker and server-run types alike), a server-run task's output when it completes (a worker's
is refused at the API's edge) and, for a WorkflowDef that enforces an `outputSchema`, the
output of a run about to COMPLETE (it ends FAILED instead). Compiling and running JSON Schema
(and reading the registry) happens
outside the engine: the `SchemaCheck` comes in through `Env.schemas`, as the script sandbox
comes in through `Env.scripts`. Baton's is `orchestrator.schemas.validation.Validators`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class SchemaRef:
    """A registered schema by name and version; no version means the latest one."""

    name: str
    version: int | None = None

    def label(self) -> str:
        return f"'{self.name}'" + (f" version {self.version}" if self.version is not None else "")


@dataclass(frozen=True)
class Violation:
    """One way an instance breaks a schema: where (a JSON path into the instance, `$` for the
    root), which rule (the JSON Schema keyword, or `schema` when the schema is not at hand)."""

    path: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} ({self.rule})"


class SchemaCheck(Protocol):
    def violations(self, ref: SchemaRef, instance: Any) -> Sequence[Violation]:
        """Every violation of the referenced schema by `instance` (empty: it conforms). A schema
        that is not registered is one violation with rule `schema`; this never raises."""
        ...


class NoSchemas:
    """The check of an Env built without a registry: every schema is unknown, so an enforced
    schema fails closed instead of being skipped."""

    def violations(self, ref: SchemaRef, instance: Any) -> Sequence[Violation]:
        return (Violation("$", "schema", f"schema {ref.label()} is not available"),)


NO_SCHEMAS = NoSchemas()


def schema_ref(value: Any) -> SchemaRef | None:
    """The reference in a TaskDef's or WorkflowDef's `inputSchema`/`outputSchema` JSON, if well formed."""
    if not isinstance(value, dict):
        return None
    name, version = value.get("name"), value.get("version")
    if not isinstance(name, str) or not name:
        return None
    if isinstance(version, bool) or not isinstance(version, int):
        version = None
    return SchemaRef(name, version)


def describe(what: str, ref: SchemaRef, violations: Sequence[Violation], limit: int = 3) -> str:
    """A reason naming the schema and the first violations, e.g. for a failed task."""
    shown = "; ".join(str(v) for v in violations[:limit])
    more = f" (and {len(violations) - limit} more)" if len(violations) > limit else ""
    return f"{what} does not match schema {ref.label()}: {shown}{more}"


def schema_fields(doc: Any) -> dict[str, Any]:
    """The `TaskDefinition` fields for a TaskDef document's schema settings (only those set)."""
    if not isinstance(doc, dict):
        return {}
    values: dict[str, Any] = {}
    for wire, attr in (("inputSchema", "input_schema"), ("outputSchema", "output_schema")):
        ref = schema_ref(doc.get(wire))
        if ref is not None:
            values[attr] = ref
    if doc.get("enforceSchema") is True:
        values["enforce_schema"] = True
    return values
