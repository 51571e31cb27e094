"""The run list's query: a `RunFilter` over execution rows, keyset-paged (no OFFSET).

Every order ends with the id, so (sort value, id) of the last row shown is a cursor that stays
right while new runs arrive above it. Indexes for these filters: see migration
0003_run_list_indexes (status/name + create_time exist since 0001); the task-based filters
(failed task, queue) read the task table through the partial failed-task indexes of 0005 and
task_queue_status_idx, and a tag narrows to the workflow names that carry it (definitiontag_key,
then wf_name_created_idx).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from orchestrator.models import DefinitionTag

from ..filters import SORTS, InputMatch, RunFilter, TagMatch, encode_cursor
from ..models import ExecutionEvent, Task, TaskLog, Workflow

# A task that failed for good or for now (the workflow may still retry it): what "failed task" means.
FAILED_TASK_STATUSES = ("FAILED", "FAILED_WITH_TERMINAL_ERROR", "TIMED_OUT")
QUEUED_TASK_STATUSES = ("SCHEDULED", "IN_PROGRESS")
LIST_COLUMNS = ("id", "name", "version", "status", "correlation_id", "create_time", "update_time", "end_time",
                "reason", "failed_refs")


@dataclass(frozen=True)
class Page:
    rows: list[Workflow]
    next_cursor: str | None


def _nested(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    out: Any = value
    for key in reversed(path):
        out = {key: out}
    return dict(out)


def _input_q(match: InputMatch) -> Q:
    candidates: list[Any] = [match.value] + ([match.scalar] if match.scalar is not None else [])
    q = Q()
    for value in candidates:
        if connection.features.supports_json_field_contains:
            # jsonb containment (@>): served by the GIN index on input (PostgreSQL).
            q |= Q(input__contains=_nested(match.path, value))
        else:
            q |= Q(**{"input__" + "__".join(match.path): value})
    return q


def _tagged_names(matches: tuple[TagMatch, ...]) -> list[str]:
    """The workflow names that carry every tag (a tag belongs to a name, every version).

    Read first, from the small tag table, so the run query filters on a list of names the
    planner can estimate (wf_name_created_idx), and tags no name has together cost no scan.
    """
    names: set[str] | None = None
    for match in matches:
        found = set(_tag_names(match).values_list("name", flat=True))
        names = found if names is None else names & found
    return sorted(names or ())


def _tag_names(match: TagMatch) -> QuerySet[DefinitionTag, Any]:
    """The tag rows of the workflow definitions that carry the tag."""
    tags = DefinitionTag.objects.filter(target=DefinitionTag.Target.WORKFLOW, key=match.key)
    if match.value is not None:
        values: list[Any] = [match.value] + ([match.scalar] if match.scalar is not None else [])
        q = Q()
        for value in values:
            q |= Q(value=value)
        tags = tags.filter(q)
    return tags


def _failed_task_q(f: RunFilter) -> Q:
    tasks = Task.objects.filter(status__in=FAILED_TASK_STATUSES)
    if f.failed_ref:
        # The runtime ref (a loop's `ref__2`) or the definition's, so "charge" finds every iteration.
        tasks = tasks.filter(Q(ref=f.failed_ref) | Q(node_ref=f.failed_ref))
    if f.failed_reason:
        tasks = tasks.filter(reason__icontains=f.failed_reason)
    return Q(id__in=tasks.values("workflow_id"))


def filtered(f: RunFilter) -> QuerySet[Workflow]:
    rows = Workflow.objects.all()
    if f.statuses:
        rows = rows.filter(status__in=f.statuses)
    if f.name:
        rows = rows.filter(name=f.name)
    if f.version is not None:
        rows = rows.filter(version=f.version)
    if f.since:
        rows = rows.filter(create_time__gte=f.since)
    if f.until:
        rows = rows.filter(create_time__lt=f.until)
    if f.id_prefix:
        rows = rows.filter(id__startswith=f.id_prefix)
    if f.correlation_id:
        rows = rows.filter(correlation_id=f.correlation_id)
    for match in f.inputs:
        rows = rows.filter(_input_q(match))
    if f.tags:  # every tag must hold
        rows = rows.filter(name__in=_tagged_names(f.tags))
    if f.failed_ref or f.failed_reason:
        rows = rows.filter(_failed_task_q(f))
    if f.queue:
        rows = rows.filter(id__in=Task.objects.filter(queue=f.queue, status__in=QUEUED_TASK_STATUSES)
                           .values("workflow_id"))
    if f.text:
        # The same free text as the search API: over input, output, id and correlation id.
        rows = rows.annotate(_in=Cast("input", TextField()), _out=Cast("output", TextField())).filter(
            Q(_in__icontains=f.text) | Q(_out__icontains=f.text) | Q(id__icontains=f.text)
            | Q(correlation_id__icontains=f.text) | Q(reason__icontains=f.text))
    return rows


def page(f: RunFilter) -> Page:
    column, desc = SORTS[f.sort]
    rows = filtered(f).only(*LIST_COLUMNS)
    if f.after is not None:
        value, row_id = f.after
        op = "lt" if desc else "gt"
        rows = rows.filter(Q(**{f"{column}__{op}": value}) | Q(**{column: value, f"id__{op}": row_id}))
    prefix = "-" if desc else ""
    found = list(rows.order_by(prefix + column, prefix + "id")[: f.size + 1])
    more = len(found) > f.size
    shown = found[: f.size]
    cursor = encode_cursor(getattr(shown[-1], column), shown[-1].id) if more and shown else None
    return Page(shown, cursor)


def statuses_of(ids: list[str]) -> dict[str, str]:
    return dict(Workflow.objects.filter(id__in=ids).values_list("id", "status"))


def summaries(ids: list[str]) -> dict[str, tuple[str, int, str]]:
    """id → (name, version, status) of the runs that exist among `ids` (a bulk selection's confirmation)."""
    rows = Workflow.objects.filter(id__in=ids).values_list("id", "name", "version", "status")
    return {row_id: (name, version, status) for row_id, name, version, status in rows}


def changed_since(event_id: int, limit: int = 500) -> tuple[int, list[str]]:
    """Workflows with events after `event_id`, and the newest event id (for the dashboard poll)."""
    rows = list(ExecutionEvent.objects.filter(id__gt=event_id).order_by("id").values_list("id", "workflow_id")[:limit])
    if not rows:
        return event_id, []
    return rows[-1][0], list(dict.fromkeys(w for _, w in rows))


def newest_event_id() -> int:
    return ExecutionEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


LOG_TASK_FIELDS = ("id", "ref", "retry_count", "iteration", "task_type", "seq")


def logs_of(workflow_id: str, task_id: str | None = None, text: str = "", limit: int | None = 5000,
            after: int = 0) -> list[tuple[TaskLog, Task]]:
    """Every log line of an execution (or of one of its tasks), oldest first, with its task.

    `text` keeps the lines that contain it (case-insensitive), searched by the database so a
    long log is not shipped to the browser to be filtered there. `limit=None` reads them all;
    `after` keeps the lines after that log line id (what a live page has not seen yet).
    """
    if after:
        return _logs_after(workflow_id, task_id, text, limit, after)
    tasks = {t.id: t for t in Task.objects.filter(workflow_id=workflow_id).only(*LOG_TASK_FIELDS)}
    ids = ([task_id] if task_id in tasks else []) if task_id else list(tasks)
    lines = TaskLog.objects.filter(task_id__in=ids).order_by("id")
    if text:
        lines = lines.filter(log__icontains=text)
    if limit is not None:
        lines = lines[:limit]
    return [(line, tasks[line.task_id]) for line in lines.iterator(chunk_size=2000)]


def _logs_after(workflow_id: str, task_id: str | None, text: str, limit: int | None, after: int,
                ) -> list[tuple[TaskLog, Task]]:
    """The live refresh's read: one query for the new lines (most often none: an index range on
    the log's id), then only their tasks, rather than every task of a long run first."""
    scope = Task.objects.filter(workflow_id=workflow_id)
    if task_id:
        scope = scope.filter(id=task_id)
    lines = TaskLog.objects.filter(task_id__in=scope.values("id"), id__gt=after).order_by("id")
    if text:
        lines = lines.filter(log__icontains=text)
    found = list(lines[:limit] if limit is not None else lines)
    tasks = {t.id: t for t in Task.objects.filter(id__in={line.task_id for line in found}).only(*LOG_TASK_FIELDS)}
    return [(line, tasks[line.task_id]) for line in found]


def history(workflow_id: str, limit: int = 300) -> list[ExecutionEvent]:
    """An execution's newest `limit` events (the event log), newest first."""
    return list(ExecutionEvent.objects.filter(workflow_id=workflow_id).order_by("-id")[:limit])
