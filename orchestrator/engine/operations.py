"""Workflow operations on ended executions: restart, retry, rerun, skip (pure planning).

Each returns a `Plan`: rows to delete, rows to write, and the workflow's new fields. The
service applies the plan under the workflow lock and then lets `evaluate()` carry on, so the
operations themselves never schedule anything the evaluator would not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from .definition import WorkflowDefinition
from .model import TaskState, WorkflowState
from .status import TaskStatus, WorkflowStatus
from .tasktype import TaskTypes


class OperationRefused(Exception):
    """The operation does not apply to the execution in its current state."""


@dataclass(frozen=True)
class Plan:
    delete: Sequence[str] = ()
    write: Sequence[TaskState] = ()
    create: Sequence[TaskState] = ()
    workflow: Mapping[str, Any] = field(default_factory=dict)


_RETRYABLE = (TaskStatus.FAILED, TaskStatus.FAILED_WITH_TERMINAL_ERROR, TaskStatus.TIMED_OUT, TaskStatus.CANCELED)


def _reset_fields(now: datetime) -> dict[str, Any]:
    return {"status": WorkflowStatus.RUNNING, "reason": None, "end_time": None, "output": {},
            "failed_refs": [], "failed_task_names": []}


def restart(defn: WorkflowDefinition, state: WorkflowState, all_tasks: Sequence[TaskState], now: datetime,
            *, workflow_input: Mapping[str, Any] | None = None, correlation_id: str | None = None) -> Plan:
    """Start over from the first task (all tasks removed). Used by restart and by a full rerun."""
    if not state.status.is_terminal:
        raise OperationRefused(f"Workflow {state.workflow_id} is {state.status.value}; only an ended workflow restarts")
    changes = {**_reset_fields(now), "seq": 0, "create_time": now, "last_retried_time": None}
    if workflow_input is not None:
        changes["input"] = dict(workflow_input)
    if correlation_id is not None:
        changes["correlation_id"] = correlation_id
    return Plan(delete=[t.task_id for t in all_tasks], workflow=changes)


def retry(defn: WorkflowDefinition, state: WorkflowState, all_tasks: Sequence[TaskState], now: datetime,
          new_id: Callable[[], str], *, types: TaskTypes) -> Plan:
    """Reschedule the latest failed/timed-out/canceled attempt of each ref; re-open containers.

    A task that waits on others (JOIN, DO_WHILE, per `types`) is re-opened rather than repeated.
    """
    if not state.status.is_terminal or state.status == WorkflowStatus.COMPLETED:
        raise OperationRefused(
            f"Workflow {state.workflow_id} is {state.status.value}; only a FAILED, TIMED_OUT or TERMINATED one retries"
        )
    latest: dict[tuple[str, int], TaskState] = {}
    for task in sorted(all_tasks, key=lambda t: t.seq):
        latest[(task.ref, task.iteration)] = task
    seq = state.seq
    write: list[TaskState] = []
    create: list[TaskState] = []
    for task in sorted(latest.values(), key=lambda t: t.seq):
        if task.status not in _RETRYABLE:
            continue
        if types.get(task.task_type).waits_on_others:
            write.append(replace(task, status=TaskStatus.IN_PROGRESS, end_time=None, processed=False,
                                 reason=None, update_time=now))
            continue
        seq += 1
        write.append(replace(task, retried=True, processed=True))
        create.append(replace(
            task, task_id=new_id(), status=TaskStatus.SCHEDULED, seq=seq, retry_count=task.retry_count + 1,
            retried_task_id=task.task_id, retried=False, processed=False, output={}, reason=None,
            scheduled_time=now, start_time=None, end_time=None, update_time=now, available_at=now,
            poll_count=0, worker_id=None, callback_after_seconds=0, sub_workflow_id=None,
        ))
    if not write:
        if state.status != WorkflowStatus.TIMED_OUT or not all_tasks:
            raise OperationRefused(f"Workflow {state.workflow_id} has no retryable tasks")
        # Timed out between tasks: let the last finished task's successors be scheduled now.
        last = max(all_tasks, key=lambda t: t.seq)
        write.append(replace(last, processed=False))
    return Plan(write=write, create=create,
                workflow={**_reset_fields(now), "last_retried_time": now, "seq": seq})


def rerun_from(defn: WorkflowDefinition, state: WorkflowState, all_tasks: Sequence[TaskState], now: datetime,
               task_id: str, task_input: Mapping[str, Any] | None,
               workflow_input: Mapping[str, Any] | None = None, correlation_id: str | None = None) -> Plan:
    """Re-run from one task: it goes back to SCHEDULED, later tasks are removed, earlier kept."""
    if not state.status.is_terminal:
        raise OperationRefused(f"Workflow {state.workflow_id} is {state.status.value}; only an ended workflow reruns")
    target = next((t for t in all_tasks if t.task_id == task_id), None)
    if target is None:
        raise OperationRefused(f"Task {task_id} is not part of workflow {state.workflow_id}")
    later = [t.task_id for t in all_tasks if t.seq > target.seq]
    write = [t for t in [_reopen_loop(defn, all_tasks, target, now)] if t is not None]
    reset = replace(
        target, status=TaskStatus.SCHEDULED, output={}, reason=None, processed=False, retried=False,
        input=dict(task_input) if task_input else target.input, scheduled_time=now, start_time=None,
        end_time=None, update_time=now, available_at=now, poll_count=0, worker_id=None, callback_after_seconds=0,
    )
    changes = {**_reset_fields(now), "seq": target.seq}
    if workflow_input is not None:
        changes["input"] = dict(workflow_input)
    if correlation_id is not None:
        changes["correlation_id"] = correlation_id
    return Plan(delete=later, write=[*write, reset], workflow=changes)


def _reopen_loop(defn: WorkflowDefinition, all_tasks: Sequence[TaskState], target: TaskState,
                 now: datetime) -> TaskState | None:
    """The ended DO_WHILE whose body holds the rerun task, back at the task's iteration.

    Without it the body would run to its end and find the loop closed; iterations from the
    task's on are dropped from the loop's output, since they run again.
    """
    loop_ref = defn.loop_of(target.dynamic_parent or target.node_ref)
    earlier = [t for t in all_tasks if t.ref == loop_ref and t.seq < target.seq]
    if loop_ref is None or not earlier:
        return None
    loop = max(earlier, key=lambda t: t.seq)
    if not loop.is_terminal:
        return None
    output = {k: v for k, v in loop.output.items() if not (k.isdigit() and int(k) >= target.iteration)}
    return replace(loop, status=TaskStatus.IN_PROGRESS, iteration=target.iteration,
                   output={**output, "iteration": target.iteration}, end_time=None, reason=None,
                   processed=False, update_time=now)


def skip(defn: WorkflowDefinition, state: WorkflowState, all_refs: set[str], now: datetime,
         new_id: Callable[[], str], ref: str, task_input: Mapping[str, Any] | None,
         task_output: Mapping[str, Any] | None) -> Plan:
    """Record `ref` as SKIPPED before it runs; the evaluator passes over it when it gets there."""
    if state.status != WorkflowStatus.RUNNING:
        raise OperationRefused(f"Workflow {state.workflow_id} is {state.status.value}; only a RUNNING one skips tasks")
    if not defn.has(ref):
        raise OperationRefused(f"There is no task {ref!r} in workflow {state.name}")
    if ref in all_refs:
        raise OperationRefused(f"Task {ref!r} has already been scheduled in workflow {state.workflow_id}")
    node = defn.node(ref)
    skipped = TaskState(
        task_id=new_id(), ref=ref, node_ref=ref, task_type=node.type, def_name=node.name,
        status=TaskStatus.SKIPPED, seq=state.seq + 1, scheduled_time=now, start_time=now, end_time=now,
        update_time=now, input=dict(task_input or {}), output=dict(task_output or {}), processed=True,
    )
    return Plan(create=[skipped], workflow={"seq": state.seq + 1})
