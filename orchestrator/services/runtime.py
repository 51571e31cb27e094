"""The one write path: lock → load → evaluate → persist → dispatch after commit.

Every state change of an execution (start, task result, timer, pause, resume, terminate) ends in
`decide_locked`, called with the workflow row locked inside `transaction.atomic()`. The lock is
the workflow row (`SELECT ... FOR UPDATE`; on SQLite the IMMEDIATE transaction's write lock).
Lock order: workflow row first, then its task rows; nothing else is locked while it is held.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from executions import events, store
from executions.models import Workflow
from orchestrator.engine.evaluator import evaluate
from orchestrator.engine.model import Outcome, TaskState, WorkflowState
from orchestrator.wiring import engine_env

from . import dispatch
from .errors import WorkflowNotFound


def new_id() -> str:
    return str(uuid.uuid4())


def lock_workflow(workflow_id: str) -> Workflow:
    """Lock and return the workflow row. Must run inside transaction.atomic()."""
    row = Workflow.objects.select_for_update().filter(pk=workflow_id).first()
    if row is None:
        raise WorkflowNotFound(workflow_id)
    return row


def decide_locked(
    row: Workflow,
    now: datetime,
    state: WorkflowState | None = None,
    pre_changed: Iterable[TaskState] = (),
    focused: bool = False,
) -> Outcome:
    """Evaluate and persist one decision. Caller holds the row lock inside atomic().

    `state` may be given when the caller already loaded it and changed some tasks (a worker
    result); `pre_changed` are those changed tasks, persisted even if the evaluation leaves
    them alone (e.g. while the workflow is paused).
    """
    if state is None:
        state = store.load_state(row)
    defn = store.definition_of(row)
    pre = list(pre_changed)
    outcome = evaluate(defn, state, engine_env(now, new_id, store.History(row.id), store.TaskDefs()))
    if focused and outcome.workflow is not None and outcome.workflow.status is not None:
        # Ending the workflow cancels every pending task, so decide again seeing all of them
        # (nothing was written yet: evaluate() is pure).
        focused = False
        full = store.load_state(row)
        replaced = {t.task_id: t for t in pre}
        state = replace(full, tasks=[replaced.get(t.task_id, t) for t in full.tasks])
        outcome = evaluate(defn, state, engine_env(now, new_id, store.History(row.id), store.TaskDefs()))
    store.save(row, outcome, now, extra_changed=pre, focused=focused)
    events.record(row.id, outcome, now, extra=pre)
    dispatch.after_decide(row, outcome, now)
    return outcome


def decide(workflow_id: str) -> Outcome:
    """Re-decide a workflow now (sweeper, timers, forced decide)."""
    with transaction.atomic():
        row = lock_workflow(workflow_id)
        return decide_locked(row, timezone.now())
