"""The definitions an execution runs: immutable snapshots, and TaskDefs looked up per decision."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.db.models import Exists, QuerySet

from orchestrator.engine import definition as definitions
from orchestrator.engine.model import TaskDefinition
from orchestrator.models import TaskDef, WorkflowDef
from orchestrator.systemtasks import registry

from ..models import DefinitionSnapshot, Workflow
from .mapping import task_definition


def snapshot_for(doc: Mapping[str, Any]) -> DefinitionSnapshot:
    """The shared snapshot row for this exact definition JSON (created on first use).

    Snapshots are content-addressed and never change, so creating one is not a state change of
    any execution: start, restart-with-latest and test runs may all call this.
    """
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    snap, _ = DefinitionSnapshot.objects.get_or_create(
        digest=digest,
        defaults={"name": doc.get("name") or "", "version": doc.get("version") or 1, "definition": doc},
    )
    return snap


@dataclass(frozen=True)
class Startable:
    """A registered definition a start runs: its JSON (shared: read only) and its snapshot's key."""

    doc: Mapping[str, Any]
    snapshot_id: str


_STARTABLE_CACHE_SIZE = 1024
# (name, version or None for the latest) -> (definition row id, its `updated`, what to start)
_startable: dict[tuple[str, int | None], tuple[int, datetime, Startable]] = {}


def startable(name: str, version: int | None) -> Startable | None:
    """The definition `name` (`version`, or the latest) and its snapshot, or None when there is
    none. Once this process has started that definition, one light statement checks that it is
    still the current row, unchanged (`updated`), and that its snapshot exists; the JSON is then
    neither read, decoded nor hashed again."""
    key = (name, version)
    cached = _startable.get(key)
    if cached is not None:
        def_id, updated, found = cached
        snapshot = Exists(DefinitionSnapshot.objects.filter(digest=found.snapshot_id))
        row = _current(name, version).annotate(snapshot=snapshot).values_list("id", "updated", "snapshot").first()
        if row is not None and row == (def_id, updated, True):
            return found
    current = _current(name, version).first()
    if current is None:
        return None
    found = Startable(current.definition, snapshot_for(current.definition).digest)
    if len(_startable) >= _STARTABLE_CACHE_SIZE:
        _startable.clear()
    _startable[key] = (current.id, current.updated, found)
    return found


def _current(name: str, version: int | None) -> QuerySet[WorkflowDef]:
    rows = WorkflowDef.objects.filter(name=name)
    return rows.filter(version=version) if version else rows.order_by("-version")


@lru_cache(maxsize=512)
def _parsed(digest: str) -> definitions.WorkflowDefinition:
    snap = DefinitionSnapshot.objects.get(digest=digest)
    return definitions.parse(snap.definition, registry.REGISTRY)


def definition_of(row: Workflow) -> definitions.WorkflowDefinition:
    # Snapshots are immutable (keyed by content hash), so caching them per process is safe.
    return _parsed(row.snapshot_id)


_TASK_DEF_TTL_SECONDS = 2.0
_task_def_cache: dict[str, tuple[float, TaskDefinition | None]] = {}


def forget_task_defs() -> None:
    """Drop this process's cached task definitions (called when one is saved here)."""
    _task_def_cache.clear()


class TaskDefs:
    """Task definitions looked up lazily, once per name per decision, and cached in the process
    for a couple of seconds: a change made through another process applies within that time."""

    def __init__(self) -> None:
        self._cache: dict[str, TaskDefinition | None] = {}

    def __call__(self, name: str) -> TaskDefinition | None:
        if name in self._cache:
            return self._cache[name]
        now = time.monotonic()
        cached = _task_def_cache.get(name)
        if cached is not None and now - cached[0] < _TASK_DEF_TTL_SECONDS:
            value = cached[1]
        else:
            row = TaskDef.objects.filter(name=name).values_list("definition", flat=True).first()
            value = task_definition(row) if row is not None else None
            _task_def_cache[name] = (now, value)
        self._cache[name] = value
        return value
