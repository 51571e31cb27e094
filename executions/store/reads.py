"""Reads of execution rows: the decider's working set, its history lookups, and named queries.

Services ask these by name instead of building querysets over `executions.models`, so the
indexes a query needs are chosen here, next to the models that declare them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db.models import Count, Q

from orchestrator.engine.model import TaskState, WorkflowState
from orchestrator.engine.status import TERMINAL_TASK_STATUSES, TaskStatus
from orchestrator.systemtasks import registry

from ..models import Task, TaskLog, Workflow
from . import raw
from .mapping import to_state, workflow_state

_DONE_STATUSES = ("COMPLETED", "COMPLETED_WITH_ERRORS", "SKIPPED")
_PENDING = (TaskStatus.SCHEDULED.value, TaskStatus.IN_PROGRESS.value)
# A latest attempt that finished for good: successful, or a processed failure.
_FINISHED_FOR_GOOD = Q(status__in=_DONE_STATUSES) | Q(status__in=list(TERMINAL_TASK_STATUSES), processed=True)


class History:
    """`TaskHistory` over the database, for one workflow."""

    def __init__(self, workflow_id: str) -> None:
        self.workflow_id = workflow_id

    def latest(self, ref: str) -> TaskState | None:
        # One query: a runtime ref and a node ref only differ for loop tasks (`t__3` vs `t`),
        # and there the newest row of the node is the one wanted. Raw SQL: asked on every hop.
        rows = raw.fetch(Task, _LATEST_SQL, [self.workflow_id, ref, ref])
        return to_state(rows[0]) if rows else None

    def count_unfinished(self, refs: Sequence[str]) -> int:
        if not refs:
            return 0
        done = Task.objects.filter(workflow_id=self.workflow_id, ref__in=list(refs), retried=False).filter(
            _FINISHED_FOR_GOOD).count()
        return len(set(refs)) - done

    def count_finished_children(self, parent_ref: str, iteration: int, excluding: Sequence[str]) -> int:
        # Under `task_fork_child_idx`; the statement's parameters do not grow with the fork.
        rows = Task.objects.filter(workflow_id=self.workflow_id, dynamic_parent=parent_ref, iteration=iteration,
                                   retried=False)
        if excluding:
            rows = rows.exclude(ref__in=list(excluding))
        return rows.filter(_FINISHED_FOR_GOOD).count()

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


def fresh_state(row: Workflow) -> WorkflowState:
    """The engine's view of an execution that has just been created: no tasks yet."""
    return workflow_state(row, [])


def load_state(row: Workflow, focus: str | None = None) -> WorkflowState:
    """The engine's view of a workflow: its row plus its open tasks.

    With `focus` (a task whose result just arrived), pending worker tasks other than that one
    are not loaded: they cannot change in this decision, and their timers are the sweeper's
    business (it decides with everything loaded). Whether there is one at all is what the
    decider needs (`pending_elsewhere` is 0 or 1): an EXISTS stops at the first row, where a
    count would read every pending branch of a wide fork on each completion.
    """
    if focus is None:
        return workflow_state(row, [to_state(t) for t in Task.objects.filter(workflow_id=row.id, open=True)])
    # The EXISTS rides along on the rows' own statement (a CTE, evaluated once); the focus task
    # is open, so the answer comes back with it. Raw SQL: this runs on every task result.
    loaded = raw.fetch(Task, _FOCUSED_SQL, {"wf": row.id, "focus": focus})
    if loaded:
        pending_elsewhere = int(bool(loaded[0].pending_elsewhere))  # type: ignore[attr-defined]  # the EXISTS column
    else:
        waiting = Q(queue__isnull=False, status__in=_PENDING)
        pending_elsewhere = int(Task.objects.filter(workflow_id=row.id, open=True).filter(waiting).exclude(
            pk=focus).exists())
    return workflow_state(row, [to_state(t) for t in loaded], pending_elsewhere)


_WAITING_SQL = "t.queue IS NOT NULL AND t.status IN ('SCHEDULED', 'IN_PROGRESS')"
# The open tasks minus pending worker tasks other than the focus, and whether there are any: the
# open tasks that wait for no worker (`task_open_unwaiting_idx`, whose condition this repeats),
# plus the focus by its key (only by its key: a generic plan may otherwise scan the workflow's
# rows for it). Filtering every open row instead read each open branch of a wide fork on every
# completion.
_FOCUSED_SQL = f"""
WITH elsewhere AS (
    SELECT EXISTS (
             SELECT 1 FROM executions_task AS o
              WHERE o.workflow_id = %(wf)s AND o.open AND o.id <> %(focus)s
                AND {_WAITING_SQL.replace("t.", "o.")}) AS pending_elsewhere
)
SELECT t.*, e.pending_elsewhere
  FROM executions_task AS t, elsewhere AS e
 WHERE t.workflow_id = %(wf)s AND t.open AND (t.queue IS NULL OR NOT (t.status IN ('SCHEDULED', 'IN_PROGRESS')))
UNION ALL
SELECT t.*, e.pending_elsewhere
  FROM executions_task AS t, elsewhere AS e
 WHERE t.id = %(focus)s AND t.open AND {_WAITING_SQL}
"""
_LATEST_SQL = """
SELECT * FROM executions_task WHERE workflow_id = %s AND (ref = %s OR node_ref = %s) ORDER BY seq DESC LIMIT 1
"""


# -- workflows --------------------------------------------------------------------------------


def workflow(workflow_id: str) -> Workflow | None:
    """The execution row with its definition snapshot."""
    return Workflow.objects.select_related("snapshot").filter(pk=workflow_id).first()


def workflow_status(workflow_id: str) -> str | None:
    return Workflow.objects.filter(pk=workflow_id).values_list("status", flat=True).first()


def workflow_exists(workflow_id: str) -> bool:
    return Workflow.objects.filter(pk=workflow_id).exists()


def newest_with_idempotency_key(name: str, key: str) -> Mapping[str, Any] | None:
    """`{id, status}` of the newest execution of `name` started with this idempotency key."""
    rows = Workflow.objects.filter(name=name, idempotency_key=key).order_by("-create_time")
    return rows.values("id", "status").first()


def due_for_decision(now: datetime, batch: int) -> set[str]:
    """Workflows whose timer is due or whose worker lease has expired (the sweeper's work)."""
    due = set(
        Workflow.objects.filter(status__in=["RUNNING", "PAUSED"], next_check_at__lte=now)
        .order_by("next_check_at")
        .values_list("id", flat=True)[:batch]
    )
    due.update(
        Task.objects.filter(status=TaskStatus.IN_PROGRESS.value, lease_deadline__lte=now)
        .values_list("workflow_id", flat=True)[:batch]
    )
    return due


def lost_system_tasks(stale: datetime, task_types: Sequence[str], batch: int) -> list[str]:
    """Async system tasks still SCHEDULED since before `stale` (their message may be lost)."""
    waiting = Task.objects.filter(status=TaskStatus.SCHEDULED.value, queue__isnull=True,
                                  task_type__in=list(task_types), available_at__lte=stale)
    return list(waiting.values_list("id", flat=True)[:batch])


def unannounced_children(stale: datetime, batch: int) -> list[str]:
    """Children that ended before `stale` while their parent's SUB_WORKFLOW task still waits."""
    children = Workflow.objects.filter(
        status__in=["COMPLETED", "FAILED", "TIMED_OUT", "TERMINATED"], parent_workflow_task_id__isnull=False,
        update_time__lte=stale,
    )
    parents = Task.objects.filter(
        task_type__in=registry.names_where(registry.starts_child), status=TaskStatus.IN_PROGRESS.value,
        sub_workflow_id__in=children.values("id"),
    )
    return [c for c in parents.values_list("sub_workflow_id", flat=True)[:batch] if c is not None]


# -- tasks ------------------------------------------------------------------------------------


def tasks_of(workflow_id: str) -> list[Task]:
    return list(Task.objects.filter(workflow_id=workflow_id).order_by("seq"))


def task_states_of(workflow_id: str) -> list[TaskState]:
    """Every task of an execution, in seq order (what retry, restart and rerun plan over)."""
    return [to_state(t) for t in tasks_of(workflow_id)]


def task_refs_of(workflow_id: str) -> set[str]:
    return set(Task.objects.filter(workflow_id=workflow_id).values_list("ref", flat=True))


def task(task_id: str) -> Task | None:
    """A task row with its workflow row."""
    return Task.objects.select_related("workflow").filter(pk=task_id).first()


def in_progress_tasks(workflow_id: str) -> list[Task]:
    """An execution's IN_PROGRESS tasks with their workflow row, in seq order (what a signal may
    be for)."""
    return list(Task.objects.select_related("workflow").filter(
        workflow_id=workflow_id, status=TaskStatus.IN_PROGRESS.value).order_by("seq"))


def any_task_ended(workflow_id: str, refs: Sequence[str]) -> bool:
    """Whether a task with one of these refs has left SCHEDULED/IN_PROGRESS."""
    return Task.objects.filter(workflow_id=workflow_id, ref__in=list(refs)).exclude(
        status__in=[TaskStatus.SCHEDULED.value, TaskStatus.IN_PROGRESS.value]).exists()


def task_brief(task_id: str) -> Task | None:
    """A task row with only its type, workflow and status loaded (the system-task runner's check)."""
    return Task.objects.filter(pk=task_id).only("task_type", "workflow_id", "status").first()


def parent_workflow_id(workflow_id: str) -> str | None:
    return Workflow.objects.filter(pk=workflow_id).values_list("parent_workflow_id", flat=True).first()


def task_state(task_id: str) -> TaskState | None:
    row = Task.objects.filter(pk=task_id).first()
    return to_state(row) if row is not None else None


def task_exists(task_id: str) -> bool:
    return Task.objects.filter(pk=task_id).exists()


def newest_task_id(workflow_id: str, ref: str) -> str | None:
    """The newest attempt of a runtime ref, else of a definition ref, in one execution."""
    for column in ("ref", "node_ref"):
        rows = Task.objects.filter(workflow_id=workflow_id, **{column: ref}).order_by("-seq")
        task_id = rows.values_list("id", flat=True).first()
        if task_id is not None:
            return task_id
    return None


def failed_child_of(workflow_id: str) -> str | None:
    """The newest failed SUB_WORKFLOW task's child workflow id."""
    return (
        Task.objects.filter(workflow_id=workflow_id, task_type__in=registry.names_where(registry.starts_child),
                            sub_workflow_id__isnull=False,
                            status__in=["FAILED", "TIMED_OUT", "CANCELED"])
        .order_by("-seq").values_list("sub_workflow_id", flat=True).first()
    )


def task_running_child(workflow_id: str, child_id: str) -> TaskState | None:
    """The parent's newest SUB_WORKFLOW task that started `child_id`."""
    row = Task.objects.filter(workflow_id=workflow_id, sub_workflow_id=child_id).order_by("-seq").first()
    return to_state(row) if row is not None else None


def queue_sizes(queues: list[str]) -> dict[str, int]:
    sizes = {q: 0 for q in queues}
    rows = Task.objects.filter(queue__in=queues, status=TaskStatus.SCHEDULED.value)
    for entry in rows.values("queue").annotate(n=Count("id")):
        sizes[str(entry["queue"])] = entry["n"]
    return sizes


def running_in_queue(queue: str) -> int:
    return Task.objects.filter(queue=queue, status=TaskStatus.IN_PROGRESS.value).count()


def started_in_queue_since(queue: str, since: datetime) -> int:
    return Task.objects.filter(queue=queue, start_time__gte=since).count()


def task_logs(task_id: str) -> list[TaskLog]:
    return list(TaskLog.objects.filter(task_id=task_id).order_by("id"))
