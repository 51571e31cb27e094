"""Refusals at the API's edge: a workflow start, a rerun's input or a worker's output that breaks an
enforced schema.

The third check, a scheduled task's resolved input, is the engine's (`Run.schedule` with
`Env.schemas`): there the task fails, here the request is refused with a 400 naming the paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orchestrator.engine.model import TaskDefinition
from orchestrator.engine.schemas import SchemaRef, describe, schema_ref
from orchestrator.services.errors import InvalidInput

from .registry import SCHEMAS
from .validation import as_errors


class SchemaViolated(InvalidInput):
    code = "SCHEMA_VIOLATION"


def _check(what: str, ref: SchemaRef, instance: Any) -> None:
    found = SCHEMAS.violations(ref, instance)
    if found:
        raise SchemaViolated(describe(what, ref, found), validation_errors=[dict(e) for e in as_errors(found)])


def check_workflow_input(doc: Mapping[str, Any], wf_input: Mapping[str, Any]) -> None:
    """Raise SchemaViolated when the WorkflowDef enforces an inputSchema its input breaks."""
    ref = schema_ref(doc.get("inputSchema"))
    if doc.get("enforceSchema") is True and ref is not None:
        _check("Workflow input", ref, dict(wf_input))


def check_task_input(tdef: TaskDefinition | None, task_input: Mapping[str, Any]) -> None:
    """Raise SchemaViolated when the TaskDef enforces an inputSchema this input breaks: for input
    given by hand (a rerun's taskInput), which the engine does not resolve and so cannot check."""
    if tdef is not None and tdef.enforce_schema and tdef.input_schema is not None:
        _check("Task input", tdef.input_schema, dict(task_input))


def check_task_output(tdef: TaskDefinition | None, output: Mapping[str, Any] | None) -> None:
    """Raise SchemaViolated when the TaskDef enforces an outputSchema this output breaks."""
    if tdef is not None and tdef.enforce_schema and tdef.output_schema is not None:
        _check("Task output", tdef.output_schema, dict(output or {}))
