"""Registering and reading task and workflow definitions (validated on every save)."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

from django.db import transaction

from executions import store
from orchestrator.engine.validation import Problem, check_task_def, check_workflow_def, errors
from orchestrator.models import TaskDef, WorkflowDef
from orchestrator.schemas import references as schema_references
from orchestrator.systemtasks.registry import REGISTRY

from . import tags
from .errors import Conflict, InvalidInput, NotFound, WorkflowDefNotFound

# The fields a saved TaskDef is completed with; their values are TaskDefinition's defaults.
_DEFAULTED = ("retryCount", "retryLogic", "retryDelaySeconds", "timeoutSeconds", "timeoutPolicy",
              "responseTimeoutSeconds", "inputTemplate", "rateLimitPerFrequency", "rateLimitFrequencyInSeconds",
              "backoffScaleFactor", "concurrentExecLimit")
TASK_DEF_DEFAULTS: dict[str, Any] = {**store.task_def_defaults(_DEFAULTED), "inputKeys": [], "outputKeys": []}


class ValidationFailed(InvalidInput):
    def __init__(self, what: str, problems: list[Problem]) -> None:
        first = problems[0].message if problems else ""
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(
            f"{what} is invalid: {first}{more}",
            validation_errors=[_as_error(p) for p in problems],
        )


def _as_error(p: Problem) -> dict[str, Any]:
    d = p.as_dict()
    d.setdefault("invalidValue", None)
    return d


def validate_workflow_def(doc: Any) -> list[Problem]:
    """Every problem of a WorkflowDef, including those of the TaskDefs its tasks carry inline."""
    problems = check_workflow_def(doc, REGISTRY)
    if isinstance(doc, dict):
        problems += schema_references.workflow_def_problems(doc)
        problems += _inline_task_def_problems(doc.get("tasks"), "$.tasks")
    return problems


def _check_task_def(doc: Any) -> list[Problem]:
    # The schema references need the registry, so they are checked here rather than in the engine.
    return check_task_def(doc) + schema_references.task_def_problems(doc)


def _inline_task_def_problems(tasks: Any, path: str) -> list[Problem]:
    # The engine runs a task with its inline `taskDefinition` instead of the registered one (as
    # Conductor does), so it is checked like a registered TaskDef; its name defaults to the task's.
    out: list[Problem] = []
    for i, task in enumerate(tasks if isinstance(tasks, list) else []):
        if not isinstance(task, dict):
            continue
        here = f"{path}[{i}]"
        inline = task.get("taskDefinition")
        if inline is not None:
            ref = task.get("taskReferenceName") if isinstance(task.get("taskReferenceName"), str) else None
            doc = {**inline, "name": inline.get("name") or task.get("name")} if isinstance(inline, dict) else inline
            for p in _check_task_def(doc):
                out.append(replace(p, path=p.path.replace("$", f"{here}.taskDefinition", 1), ref=ref))
        cases = task.get("decisionCases")
        for case, nested in (cases.items() if isinstance(cases, dict) else []):
            out += _inline_task_def_problems(nested, f"{here}.decisionCases.{case}")
        out += _inline_task_def_problems(task.get("defaultCase"), f"{here}.defaultCase")
        out += _inline_task_def_problems(task.get("loopOver"), f"{here}.loopOver")
        branches = task.get("forkTasks")
        for b, branch in enumerate(branches if isinstance(branches, list) else []):
            out += _inline_task_def_problems(branch, f"{here}.forkTasks[{b}]")
    return out


def require_valid_workflow_def(doc: Any, *, allow_empty: bool = False) -> dict[str, Any]:
    problems = errors(validate_workflow_def(doc))
    if allow_empty and isinstance(doc, dict) and doc.get("tasks") == []:
        problems = [p for p in problems if p.id != "WF.E007"]
    if problems:
        raise ValidationFailed("Workflow definition", problems)
    doc = copy.deepcopy(doc)
    doc.setdefault("version", 1)
    doc.setdefault("schemaVersion", 2)
    return doc


def save_workflow_def(doc: Any, *, overwrite: bool, user: str = "") -> WorkflowDef:
    doc = require_valid_workflow_def(doc)
    with transaction.atomic():
        row = WorkflowDef.objects.select_for_update().filter(name=doc["name"], version=doc["version"]).first()
        if row is not None and not overwrite:
            raise Conflict(f"Workflow {doc['name']} version {doc['version']} already exists")
        if row is None:
            row = WorkflowDef(name=doc["name"], version=doc["version"], created_by=user)
        row.definition = doc
        row.description = str(doc.get("description") or "")
        row.owner_email = str(doc.get("ownerEmail") or "")
        row.updated_by = user
        row.save()
    return row


def save_workflow_defs(docs: list[Any], *, overwrite: bool, user: str = "") -> list[WorkflowDef]:
    """Save several definitions all-or-nothing; every problem of every document is reported."""
    problems = []
    for i, doc in enumerate(docs):
        for p in errors(validate_workflow_def(doc)):
            problems.append(replace(p, path=p.path.replace("$", f"$[{i}]", 1)))
    if problems:
        raise ValidationFailed("Workflow definition list", problems)
    with transaction.atomic():
        return [save_workflow_def(doc, overwrite=overwrite, user=user) for doc in docs]


def get_workflow_def(name: str, version: int | None = None) -> WorkflowDef:
    rows = WorkflowDef.objects.filter(name=name)
    row = rows.filter(version=version).first() if version is not None else rows.order_by("-version").first()
    if row is None:
        raise WorkflowDefNotFound(name, version)
    return row


def delete_workflow_def(name: str, version: int) -> None:
    with transaction.atomic():
        deleted, _ = WorkflowDef.objects.filter(name=name, version=version).delete()
        if deleted and not WorkflowDef.objects.filter(name=name).exists():
            tags.forget_tags(tags.Target.WORKFLOW, name)
    if not deleted:
        # Conductor's metadata DAO wording for a delete of nothing.
        raise NotFound(f"No such workflow definition: {name} version: {version}")


def normalise_task_def(doc: Any) -> dict[str, Any]:
    problems = _check_task_def(doc)
    if problems:
        raise ValidationFailed("Task definition", problems)
    full = dict(TASK_DEF_DEFAULTS)
    full.update({k: v for k, v in doc.items() if v is not None})
    return full


def save_task_defs(docs: list[Any], *, user: str = "", must_exist: bool = False) -> list[TaskDef]:
    """Create or update task definitions (all validated before any is written)."""
    full = [normalise_task_def(doc) for doc in docs]
    saved = []
    with transaction.atomic():
        for doc in full:
            row = TaskDef.objects.select_for_update().filter(name=doc["name"]).first()
            if row is None:
                if must_exist:
                    raise NotFound(f"No such task by name {doc['name']}")
                row = TaskDef(name=doc["name"], created_by=user)
            row.definition = doc
            row.description = str(doc.get("description") or "")
            row.owner_email = str(doc.get("ownerEmail") or "")
            row.updated_by = user
            row.save()
            saved.append(row)
    store.forget_task_defs()
    return saved


def get_task_def(name: str) -> TaskDef:
    row = TaskDef.objects.filter(name=name).first()
    if row is None:
        raise NotFound(f"No such taskType found by name: {name}")
    return row


def delete_task_def(name: str) -> None:
    with transaction.atomic():
        deleted, _ = TaskDef.objects.filter(name=name).delete()
        tags.forget_tags(tags.Target.TASK, name)
    store.forget_task_defs()
    if not deleted:
        raise NotFound(f"No such task definition: {name}")
