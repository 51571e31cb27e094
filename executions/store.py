"""The mapping between database rows and engine values, and nothing else.

`load` reads an execution's open tasks (the decider's working set), `History` answers lookups of
older tasks, `save` writes an `Outcome` back. Only rows that changed are written, so the cost of
a decision does not grow with the length of the workflow's history.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.db.models import Q

from orchestrator.engine import definition as definitions
from orchestrator.engine.model import Outcome, TaskDefinition, TaskState, WorkflowState
from orchestrator.engine.status import TERMINAL_TASK_STATUSES, TaskStatus, WorkflowStatus
from orchestrator.models import TaskDef
from orchestrator.systemtasks import registry

from .models import DefinitionSnapshot, Task, Workflow

_TASK_FIELDS = (
    "ref", "node_ref", "task_type", "def_name", "status", "seq", "retry_count", "iteration", "input",
    "output", "scheduled_time", "start_time", "end_time", "update_time", "available_at",
    "callback_after_seconds", "start_delay_seconds", "poll_count", "worker_id", "reason", "retried",
    "retried_task_id", "processed", "domain", "sub_workflow_id", "response_timeout_seconds",
    "dynamic_node", "dynamic_parent",
)
_DONE_STATUSES = ("COMPLETED", "COMPLETED_WITH_ERRORS", "SKIPPED")


# -- definitions -------------------------------------------------------------------------------


def snapshot_for(doc: Mapping[str, Any]) -> DefinitionSnapshot:
    """The shared snapshot row for this exact definition JSON (created on first use)."""
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    snap, _ = DefinitionSnapshot.objects.get_or_create(
        digest=digest,
        defaults={"name": doc.get("name") or "", "version": doc.get("version") or 1, "definition": doc},
    )
    return snap


@lru_cache(maxsize=512)
def _parsed(digest: str) -> definitions.WorkflowDefinition:
    snap = DefinitionSnapshot.objects.get(digest=digest)
    return definitions.parse(snap.definition)


def definition_of(row: Workflow) -> definitions.WorkflowDefinition:
    # Snapshots are immutable (keyed by content hash), so caching them per process is safe.
    return _parsed(row.snapshot_id)


def task_definition(doc: Mapping[str, Any]) -> TaskDefinition:
    """Engine view of a TaskDef JSON document (Conductor defaults for absent fields)."""

    def num(key: str, default: int) -> int:
        value = doc.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else default

    poll = doc.get("pollTimeoutSeconds")
    template = doc.get("inputTemplate")
    return TaskDefinition(
        name=str(doc.get("name") or ""),
        retry_count=num("retryCount", 3),
        retry_logic=str(doc.get("retryLogic") or "FIXED"),
        retry_delay_seconds=num("retryDelaySeconds", 60),
        backoff_scale_factor=num("backoffScaleFactor", 1),
        max_retry_delay_seconds=num("maxRetryDelaySeconds", 0),
        backoff_jitter_ms=num("backoffJitterMs", 0),
        timeout_seconds=num("timeoutSeconds", 0),
        timeout_policy=str(doc.get("timeoutPolicy") or "TIME_OUT_WF"),
        response_timeout_seconds=max(1, num("responseTimeoutSeconds", 3600)),
        poll_timeout_seconds=poll if isinstance(poll, int) and not isinstance(poll, bool) and poll > 0 else None,
        input_template=template if isinstance(template, dict) else {},
        rate_limit_per_frequency=num("rateLimitPerFrequency", 0),
        rate_limit_frequency_in_seconds=num("rateLimitFrequencyInSeconds", 1),
        concurrent_exec_limit=num("concurrentExecLimit", 0),
    )


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


# -- tasks ------------------------------------------------------------------------------------


def to_state(row: Task) -> TaskState:
    return TaskState(
        task_id=row.id,
        ref=row.ref,
        node_ref=row.node_ref,
        task_type=row.task_type,
        def_name=row.def_name,
        status=TaskStatus(row.status),
        seq=row.seq,
        scheduled_time=row.scheduled_time,
        input=row.input,
        output=row.output,
        retry_count=row.retry_count,
        iteration=row.iteration,
        start_time=row.start_time,
        end_time=row.end_time,
        update_time=row.update_time,
        available_at=row.available_at,
        callback_after_seconds=row.callback_after_seconds,
        start_delay_seconds=row.start_delay_seconds,
        poll_count=row.poll_count,
        worker_id=row.worker_id,
        reason=row.reason,
        retried=row.retried,
        retried_task_id=row.retried_task_id,
        processed=row.processed,
        domain=row.domain,
        sub_workflow_id=row.sub_workflow_id,
        response_timeout_seconds=row.response_timeout_seconds,
        dynamic_node=row.dynamic_node,
        dynamic_parent=row.dynamic_parent,
    )


def row_values(task: TaskState) -> dict[str, Any]:
    values = {name: getattr(task, name) for name in _TASK_FIELDS}
    values["status"] = task.status.value
    values["input"] = dict(task.input)
    values["output"] = dict(task.output)
    values["dynamic_node"] = dict(task.dynamic_node) if task.dynamic_node is not None else None
    values["open"] = not (task.status.is_terminal and task.processed)
    values["lease_deadline"] = lease_deadline(task)
    return values


def lease_deadline(task: TaskState) -> datetime | None:
    if task.status != TaskStatus.IN_PROGRESS or not registry.is_worker_type(task.task_type):
        return None
    from datetime import timedelta

    last = task.update_time or task.start_time or task.scheduled_time
    return last + timedelta(seconds=task.response_timeout_seconds)


def insert_tasks(row: Workflow, tasks: Sequence[TaskState]) -> None:
    Task.objects.bulk_create(
        [
            Task(
                id=t.task_id,
                workflow_id=row.id,
                queue=t.def_name if registry.is_worker_type(t.task_type) else None,
                priority=row.priority,
                **row_values(t),
            )
            for t in tasks
        ]
    )


class History:
    """`TaskHistory` over the database, for one workflow."""

    def __init__(self, workflow_id: str) -> None:
        self.workflow_id = workflow_id

    def latest(self, ref: str) -> TaskState | None:
        # One query: a runtime ref and a node ref only differ for loop tasks (`t__3` vs `t`),
        # and there the newest row of the node is the one wanted.
        row = (
            Task.objects.filter(workflow_id=self.workflow_id)
            .filter(Q(ref=ref) | Q(node_ref=ref))
            .order_by("-seq")
            .first()
        )
        return to_state(row) if row is not None else None

    def count_unfinished(self, refs: Sequence[str]) -> int:
        if not refs:
            return 0
        done = (
            Task.objects.filter(workflow_id=self.workflow_id, ref__in=list(refs), retried=False)
            .filter(Q(status__in=_DONE_STATUSES) | Q(status__in=list(TERMINAL_TASK_STATUSES), processed=True))
            .count()
        )
        return len(set(refs)) - done

    def latest_many(self, refs: Sequence[str]) -> Mapping[str, TaskState]:
        if not refs:
            return {}
        found: dict[str, TaskState] = {}
        rows = Task.objects.filter(workflow_id=self.workflow_id).filter(Q(ref__in=refs) | Q(node_ref__in=refs))
        by_seq = sorted(rows, key=lambda r: r.seq)
        for row in by_seq:
            if row.node_ref in refs and row.ref not in refs:
                found[row.node_ref] = to_state(row)
        for row in by_seq:
            if row.ref in refs:
                found[row.ref] = to_state(row)
        return found


# -- workflows --------------------------------------------------------------------------------


def load_state(row: Workflow, focus: str | None = None) -> WorkflowState:
    """The engine's view of a workflow: its row plus its open tasks.

    With `focus` (a task whose result just arrived), pending worker tasks other than that one
    are only counted, not loaded: they cannot change in this decision, and their timers are
    the sweeper's business (it decides with everything loaded).
    """
    rows = Task.objects.filter(workflow_id=row.id, open=True)
    pending_elsewhere = 0
    if focus is not None:
        waiting = Q(queue__isnull=False, status__in=[TaskStatus.SCHEDULED.value, TaskStatus.IN_PROGRESS.value])
        pending_elsewhere = rows.filter(waiting).exclude(pk=focus).count()
        rows = rows.exclude(waiting & ~Q(pk=focus))
    open_tasks = [to_state(t) for t in rows]
    return WorkflowState(
        workflow_id=row.id,
        name=row.name,
        version=row.version,
        status=WorkflowStatus(row.status),
        create_time=row.create_time,
        input=row.input,
        output=row.output,
        variables=row.variables,
        correlation_id=row.correlation_id,
        reason=row.reason,
        parent_workflow_id=row.parent_workflow_id,
        parent_workflow_task_id=row.parent_workflow_task_id,
        priority=row.priority,
        task_to_domain=row.task_to_domain or {},
        last_retried_time=row.last_retried_time,
        seq=row.seq,
        tasks=open_tasks,
        pending_elsewhere=pending_elsewhere,
    )


def save(row: Workflow, outcome: Outcome, now: datetime, extra_changed: Iterable[TaskState] = (),
         focused: bool = False) -> list[str]:
    """Write an outcome. Returns the names of workflow fields that changed.

    A focused decision did not see every pending task, so it may only bring the next look
    earlier, never push a pending timer back.
    """
    changed = {t.task_id: t for t in extra_changed}
    changed.update({t.task_id: t for t in outcome.changed})
    created_ids = {t.task_id for t in outcome.created}
    if outcome.created:
        insert_tasks(row, [changed.get(t.task_id, t) for t in outcome.created])
    for task in changed.values():
        if task.task_id not in created_ids:
            Task.objects.filter(pk=task.task_id).update(**row_values(task))
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
    Workflow.objects.filter(pk=row.pk).update(**{f: getattr(row, f) for f in update_fields})
    return update_fields


def state_fields() -> list[str]:
    return [f.name for f in fields(TaskState)]
