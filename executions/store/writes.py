"""Writes of execution rows. Only `orchestrator.services.runtime` imports this module (an
import-linter contract): every state change is one of its commands.

Only rows and columns that changed are written, so the cost of a decision does not grow with
the length of the workflow's history.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import connection

from orchestrator.engine.model import Outcome, TaskState
from orchestrator.engine.operations import Plan

from ..models import ExecutionEvent, Task, TaskLog, Workflow
from . import raw
from .mapping import new_task_row, row_values

# -- the workflow lock ------------------------------------------------------------------------


def lock(workflow_id: str) -> Workflow | None:
    """Lock and return the workflow row (`SELECT ... FOR UPDATE`). Must run inside atomic()."""
    return Workflow.objects.select_for_update().filter(pk=workflow_id).first()


def lock_of_task(task_id: str) -> Workflow | None:
    """Lock and return the workflow row of a task, in one statement (the lock is still the
    workflow row, never the task's). Raw SQL, compiled once: every task result starts here."""
    # SQLite has no row locks: its IMMEDIATE transaction already holds the database write lock.
    sql = _LOCK_OF_TASK_SQL + (" FOR UPDATE OF w" if connection.features.has_select_for_update else "")
    rows = raw.fetch(Workflow, sql, [task_id])
    return rows[0] if rows else None


_LOCK_OF_TASK_SQL = """
SELECT w.* FROM executions_workflow AS w JOIN executions_task AS t ON t.workflow_id = w.id WHERE t.id = %s"""


@contextmanager
def pipelined() -> Iterator[None]:
    """Send the writes of one decision without waiting for each answer (psycopg's pipeline mode
    on PostgreSQL): inserts and updates whose results nobody reads reach the server together,
    one round trip instead of one each. Reading rows, or the end of the block, waits for
    everything sent before, so an error still surfaces here, inside the transaction, before
    commit."""
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    with connection.connection.pipeline():
        yield


# -- workflows --------------------------------------------------------------------------------


def new_workflow(values: Mapping[str, Any]) -> Workflow:
    """A workflow row not yet inserted (`save(..., create=True)` inserts it)."""
    return Workflow(**values)


def update_workflow(row: Workflow, values: Mapping[str, Any]) -> None:
    """Set these columns on the row object and in the database (and nothing else)."""
    for name, value in values.items():
        setattr(row, name, value)
    raw.update(Workflow, [(row.pk, values)])


def delete_execution(workflow_id: str) -> None:
    """Delete an execution with its tasks, their logs and its event log."""
    task_ids = list(Task.objects.filter(workflow_id=workflow_id).values_list("id", flat=True))
    TaskLog.objects.filter(task_id__in=task_ids).delete()
    ExecutionEvent.objects.filter(workflow_id=workflow_id).delete()
    Workflow.objects.filter(pk=workflow_id).delete()  # its tasks go with it (CASCADE)


# -- tasks ------------------------------------------------------------------------------------


def insert_tasks(row: Workflow, tasks: Sequence[TaskState]) -> None:
    raw.insert([new_task_row(row, t) for t in tasks])


def update_tasks(tasks: Iterable[TaskState]) -> None:
    raw.update(Task, [(task.task_id, row_values(task)) for task in tasks])


def apply_plan(row: Workflow, plan: Plan) -> None:
    """The task rows of a retry, restart, rerun or skip plan (its workflow columns are the
    caller's, through `update_workflow`)."""
    if plan.delete:
        Task.objects.filter(pk__in=list(plan.delete)).delete()
    update_tasks(plan.write)
    if plan.create:
        insert_tasks(row, plan.create)


def save(row: Workflow, outcome: Outcome, now: datetime, extra_changed: Iterable[TaskState] = (),
         focused: bool = False, create: bool = False) -> list[str]:
    """Write an outcome (with `create`, insert the new workflow row with it). Returns the names
    of workflow fields that changed.

    A focused decision did not see every pending task, so it may only bring the next look
    earlier, never push a pending timer back.
    """
    changed = {t.task_id: t for t in extra_changed}
    changed.update({t.task_id: t for t in outcome.changed})
    created_ids = {t.task_id for t in outcome.created}
    update_fields = _apply_outcome(row, outcome, now, focused)
    if create:
        raw.insert([row])  # before its tasks (their foreign key)
    if outcome.created:
        insert_tasks(row, [changed.get(t.task_id, t) for t in outcome.created])
    update_tasks(t for t in changed.values() if t.task_id not in created_ids)
    if not create:
        raw.update(Workflow, [(row.pk, {f: getattr(row, f) for f in update_fields})])
    return update_fields


def _apply_outcome(row: Workflow, outcome: Outcome, now: datetime, focused: bool) -> list[str]:
    """Set the workflow columns an outcome changes on the row object; their names."""
    update_fields = ["update_time", "seq", "next_check_at"]
    row.update_time = now
    row.seq = max(row.seq, outcome.seq)
    previous = row.next_check_at
    row.next_check_at = outcome.next_wakeup
    if focused and previous is not None and (outcome.next_wakeup is None or previous < outcome.next_wakeup):
        row.next_check_at = previous
    patch = outcome.workflow
    if patch is not None:
        if patch.status is not None:
            row.status = patch.status.value
            row.end_time = patch.end_time
            row.reason = patch.reason
            row.output = dict(patch.output or {})
            update_fields += ["status", "end_time", "reason", "output"]
        if patch.variables is not None:
            row.variables = dict(patch.variables)
            update_fields.append("variables")
        if patch.failed_refs:
            known = list(row.failed_refs or [])
            row.failed_refs = known + [r for r in patch.failed_refs if r not in known]
            row.failed_task_names = list(row.failed_task_names or []) + [
                n for n in patch.failed_task_names if n not in (row.failed_task_names or [])
            ]
            update_fields += ["failed_refs", "failed_task_names"]
    return update_fields


# -- logs and events --------------------------------------------------------------------------


def append_events(rows: list[ExecutionEvent]) -> None:
    raw.insert(rows)


def append_logs(task_id: str, texts: Sequence[str], now: datetime) -> None:
    raw.insert([TaskLog(task_id=task_id, log=t, created_time=now) for t in texts])
