"""One workflow definition across its runs (/workflows/<name>/) and every definition (/workflows/).

- The grid: the last N runs of a name (wf_name_created_idx) and, for each of them, the newest
  attempt of each definition task (task_node_ref_idx: workflow, node_ref, -seq). Dynamic-fork
  children are left out: their fork's own row stands for them, and a fork of 1,000 would
  otherwise be 1,000 rows.
- The figures over a window: counts by status, success rate, p50/p95 duration per version, all
  bounded by create_time on wf_name_created_idx.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Count, Max, OuterRef, Subquery

from orchestrator.engine import definition as definitions
from orchestrator.models import WorkflowDef
from orchestrator.systemtasks import registry

from ..models import Task, Workflow
from . import percentiles

SUCCESS = ("COMPLETED",)
# Ended badly: what a success rate counts against (TERMINATED is a decision, but not a success).
UNSUCCESSFUL = ("FAILED", "TIMED_OUT", "TERMINATED")
FAILED = ("FAILED", "TIMED_OUT")
RUN_COLUMNS = ("id", "version", "status", "create_time", "end_time", "reason")


@dataclass(frozen=True)
class TaskRow:
    """One row of the grid: a task of the definition, `depth` levels inside SWITCH/FORK/DO_WHILE."""

    ref: str
    type: str
    depth: int
    in_definition: bool = True


@dataclass(frozen=True)
class Cell:
    status: str
    ref: str  # the runtime ref of the newest attempt (a loop's carries __N)
    attempts: int


@dataclass(frozen=True)
class Grid:
    rows: list[TaskRow]
    runs: list[Workflow]  # oldest first, as the grid reads left to right
    cells: dict[tuple[str, str], Cell]  # (workflow id, node ref) → its newest attempt


@dataclass(frozen=True)
class Version:
    version: int
    defined: bool
    updated: datetime | None


def exists(name: str) -> bool:
    return WorkflowDef.objects.filter(name=name).exists() or Workflow.objects.filter(name=name).exists()


def latest_definition(name: str) -> dict[str, Any] | None:
    return (WorkflowDef.objects.filter(name=name).order_by("-version")
            .values_list("definition", flat=True).first())


def task_rows(doc: dict[str, Any] | None) -> list[TaskRow]:
    """The definition's tasks in definition order, nested ones after their owner, with their depth."""
    if not doc:
        return []
    try:
        parsed = definitions.parse(doc, registry.REGISTRY)
    except (KeyError, TypeError, ValueError):  # a stored definition is valid; be safe on old rows
        return []
    rows = []
    for ref, loc in parsed.index.items():  # the index is filled depth first, in definition order
        depth, owner = 0, loc.owner
        while owner is not None:
            depth += 1
            owner = parsed.index[owner].owner
        rows.append(TaskRow(ref, loc.container[loc.position].type, depth))
    return rows


def grid(name: str, last: int) -> Grid:
    runs = list(Workflow.objects.filter(name=name).only(*RUN_COLUMNS).order_by("-create_time", "-id")[:last])
    runs.reverse()
    ids = [r.id for r in runs]
    tasks = Task.objects.filter(workflow_id__in=ids, dynamic_parent__isnull=True)
    attempts = {(w, ref): n for w, ref, n in
                tasks.values_list("workflow_id", "node_ref").annotate(n=Count("id")).order_by()}
    newest: dict[tuple[str, str], tuple[str, str]] = {}
    if connection.vendor == "postgresql":
        latest = tasks.order_by("workflow_id", "node_ref", "-seq").distinct("workflow_id", "node_ref")
    else:  # no DISTINCT ON: the last of each (workflow, node_ref) in seq order wins below
        latest = tasks.order_by("workflow_id", "node_ref", "seq")
    for w, node_ref, ref, status in latest.values_list("workflow_id", "node_ref", "ref", "status"):
        newest[(w, node_ref)] = (ref, status)
    cells = {key: Cell(status, ref, attempts.get(key, 1)) for key, (ref, status) in newest.items()}
    rows = task_rows(latest_definition(name))
    known = {r.ref for r in rows}
    # Tasks of older versions, not in the latest definition, still get a row (after the others).
    extra = sorted({node_ref for (_w, node_ref) in cells} - known)
    rows += [TaskRow(ref, "", 0, in_definition=False) for ref in extra]
    return Grid(rows, runs, cells)


def counts_by_status(name: str, since: datetime) -> dict[str, int]:
    rows = (Workflow.objects.filter(name=name, create_time__gte=since)
            .values_list("status").annotate(n=Count("id")).order_by())
    return dict(rows)


def success_rate(counts: dict[str, int]) -> float | None:
    """COMPLETED over every run that ended (None while none has)."""
    good = sum(counts.get(s, 0) for s in SUCCESS)
    ended = good + sum(counts.get(s, 0) for s in UNSUCCESSFUL)
    return good / ended if ended else None


def durations_by_version(name: str, since: datetime) -> list[percentiles.Durations]:
    rows = Workflow.objects.filter(name=name, create_time__gte=since, end_time__isnull=False)
    return sorted(percentiles.by_group(rows, "version", "create_time", "end_time"), key=lambda d: -d.key)


def versions(name: str) -> list[Version]:
    """Every version defined now, and any older one that runs still carry (its definition deleted)."""
    defined = {v: updated for v, updated in WorkflowDef.objects.filter(name=name).values_list("version", "updated")}
    ran = set(Workflow.objects.filter(name=name).values_list("version", flat=True).distinct().order_by()[:200])
    return [Version(v, v in defined, defined.get(v)) for v in sorted(set(defined) | ran, reverse=True)]


@dataclass(frozen=True)
class Summary:
    """A line of /workflows/: a definition, its latest version, its runs over the window."""

    name: str
    latest_version: int
    runs: int
    ended: int
    failed: int
    last_run_id: str | None
    last_run_status: str | None
    last_run_time: datetime | None

    @property
    def failure_rate(self) -> float | None:
        """FAILED and TIMED_OUT over the runs of the window that ended."""
        return self.failed / self.ended if self.ended else None


def summaries(since: datetime) -> list[Summary]:
    last = Workflow.objects.filter(name=OuterRef("name")).order_by("-create_time", "-id")
    names = (WorkflowDef.objects.values("name").order_by("name").annotate(latest=Max("version"))
             .annotate(last_id=Subquery(last.values("id")[:1]), last_status=Subquery(last.values("status")[:1]),
                       last_time=Subquery(last.values("create_time")[:1])))
    per: dict[str, dict[str, int]] = {}
    for wf_name, status, n in (Workflow.objects.filter(create_time__gte=since)
                               .values_list("name", "status").annotate(n=Count("id")).order_by()):
        per.setdefault(wf_name, {})[status] = n
    out = []
    for row in names:
        counts = per.get(row["name"], {})
        ended = sum(counts.get(s, 0) for s in SUCCESS + UNSUCCESSFUL)
        out.append(Summary(row["name"], row["latest"], sum(counts.values()), ended,
                           sum(counts.get(s, 0) for s in FAILED), row["last_id"], row["last_status"], row["last_time"]))
    return out
