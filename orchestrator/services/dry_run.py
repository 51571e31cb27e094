"""POST /workflow/test: run a definition in memory with mocked task outputs (nothing is stored).

The same pure evaluator drives it; tasks that would wait for a worker, a timer, a person or a
side effect take the next mocked result for their ref instead. The run stops when the
workflow ends or when a waiting task has no mock left.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from django.utils import timezone

from executions import store
from executions.models import Task, Workflow
from orchestrator.engine import definition as definitions
from orchestrator.engine.evaluator import evaluate
from orchestrator.engine.model import TaskState, WorkflowState
from orchestrator.engine.results import TaskResult, apply_result
from orchestrator.engine.status import TaskStatus, WorkflowStatus
from orchestrator.systemtasks import registry
from orchestrator.wiring import engine_env

from .errors import InvalidInput

MAX_STEPS = 10_000


class _History:
    def __init__(self, tasks: dict[str, TaskState]) -> None:
        self.tasks = tasks

    def latest(self, ref: str) -> TaskState | None:
        exact = [t for t in self.tasks.values() if t.ref == ref] or [
            t for t in self.tasks.values() if t.node_ref == ref]
        return max(exact, key=lambda t: t.seq) if exact else None

    def latest_many(self, refs: Sequence[str]) -> Mapping[str, TaskState]:
        return {ref: t for ref in refs if (t := self.latest(ref)) is not None}

    def count_unfinished(self, refs: Sequence[str]) -> int:
        def done(t: TaskState | None) -> bool:
            return t is not None and t.is_terminal and not t.retried and (t.status.is_successful or t.processed)

        return sum(0 if done(self.latest(ref)) else 1 for ref in set(refs))

    def count_finished_children(self, parent_ref: str, iteration: int, excluding: Sequence[str]) -> int:
        skip = set(excluding)
        return sum(1 for t in self.tasks.values() if t.dynamic_parent == parent_ref and t.iteration == iteration
                   and t.ref not in skip and t.is_terminal and not t.retried
                   and (t.status.is_successful or t.processed))


def _mocks(raw: Any) -> dict[str, list[dict[str, Any]]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InvalidInput("taskRefToMockOutput must map task refs to lists of {status, output}")
    out: dict[str, list[dict[str, Any]]] = {}
    for ref, items in raw.items():
        items = items if isinstance(items, list) else [items]
        for item in items:
            if not isinstance(item, dict):
                raise InvalidInput(f"taskRefToMockOutput.{ref} entries must be objects {{status, output}}")
            status = item.get("status") or "COMPLETED"
            if status not in ("COMPLETED", "FAILED", "FAILED_WITH_TERMINAL_ERROR"):
                raise InvalidInput(f"taskRefToMockOutput.{ref}: status {status!r} is not a task result status")
        out[ref] = list(items)
    return out


def run(doc: dict[str, Any], wf_input: dict[str, Any], mock_doc: Any) -> tuple[Workflow, list[Task]]:
    """Run `doc` in memory; returns unsaved rows shaped like a stored execution."""
    mocks = _mocks(mock_doc)
    defn = definitions.parse(doc, registry.REGISTRY)
    now = timezone.now()
    counter = itertools.count(1)
    wf_input = copy.deepcopy(wf_input)
    for key, value in (doc.get("inputTemplate") or {}).items():
        wf_input.setdefault(key, copy.deepcopy(value))
    state = WorkflowState(workflow_id="test-run", name=defn.name, version=defn.version,
                          status=WorkflowStatus.RUNNING, create_time=now, input=wf_input,
                          variables=copy.deepcopy(doc.get("variables") or {}))
    tasks: dict[str, TaskState] = {}
    defs = store.TaskDefs()
    for _ in range(MAX_STEPS):
        open_tasks = [t for t in tasks.values() if not (t.is_terminal and t.processed)]
        env = engine_env(now, lambda: f"test-task-{next(counter)}", _History(tasks), defs)
        outcome = evaluate(defn, replace(state, tasks=open_tasks), env)
        for task in list(outcome.created) + list(outcome.changed):
            tasks[task.task_id] = task
        patch = outcome.workflow
        changes: dict[str, Any] = {"seq": outcome.seq}
        if patch is not None:
            if patch.status is not None:
                changes.update(status=patch.status, output=patch.output or {}, reason=patch.reason)
            if patch.variables is not None:
                changes["variables"] = patch.variables
        state = replace(state, **changes)
        if state.status.is_terminal or not _feed_one_mock(tasks, mocks, now):
            break
    return _rows(doc, state, tasks)


def _feed_one_mock(tasks: dict[str, TaskState], mocks: dict[str, list[dict[str, Any]]], now: Any) -> bool:
    for task in sorted(tasks.values(), key=lambda t: t.seq):
        if task.is_terminal:
            continue
        queue = mocks.get(task.ref) or mocks.get(task.node_ref)
        if not queue:
            continue
        mock = queue.pop(0)
        started = replace(task, status=TaskStatus.IN_PROGRESS, start_time=now, poll_count=task.poll_count + 1)
        result = TaskResult(status=TaskStatus(mock.get("status") or "COMPLETED"), output=mock.get("output") or {})
        updated = apply_result(started, result, now, is_worker=registry.is_worker_type(task.task_type))
        if updated is not None:
            tasks[task.task_id] = updated
            return True
    return False


def _rows(doc: dict[str, Any], state: WorkflowState, tasks: dict[str, TaskState]) -> tuple[Workflow, list[Task]]:
    now = timezone.now()
    wf = Workflow(id=state.workflow_id, name=state.name, version=state.version, snapshot=store.snapshot_for(doc),
                  status=state.status.value, input=state.input, output=dict(state.output),
                  variables=dict(state.variables), reason=state.reason, create_time=state.create_time,
                  update_time=now, end_time=now if state.status.is_terminal else None, seq=state.seq)
    rows = [Task(id=t.task_id, workflow=wf, queue=None, **store.row_values(t))
            for t in sorted(tasks.values(), key=lambda t: t.seq)]
    return wf, rows
