"""`evaluate()`: one decision about one workflow execution.

Given the definition, the execution's open tasks and `now`, it returns an `Outcome`: tasks to
create, tasks changed, the workflow's change and when to look again. Synchronous operators are
resolved inside the same call until nothing changes. Workflow failures are data in the outcome;
only programming errors raise.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from .definition import WorkflowDefinition
from .env import Env
from .model import Outcome, TaskDefinition, TaskState, WorkflowPatch, WorkflowState
from .run import Run
from .status import TaskStatus, WorkflowStatus
from .timing import earliest

_DEFAULT_WORKER_DEF = TaskDefinition(name="")


def evaluate(definition: WorkflowDefinition, state: WorkflowState, env: Env) -> Outcome:
    """One decision about one execution.

    Args:
        definition: the parsed definition the execution runs.
        state: the execution with its open tasks.
        env: now, new ids, history, task definitions, task types and the script sandbox.
    Returns:
        What to create, change and end, and when to look again.
    """
    if state.status.is_terminal:
        return Outcome(seq=state.seq)
    run = Run(definition, state, env)
    if state.seq == 0 and not state.tasks:
        first = definition.first()
        if first is None:
            run.end(WorkflowStatus.COMPLETED)
        else:
            run.schedule(first, 0)
    _check_workflow_timeout(run)
    _settle(run)
    if not run.ended and run.status == WorkflowStatus.RUNNING:
        if state.pending_elsewhere == 0 and all(t.is_terminal for t in run.tasks.values()):
            _complete(run)
    return _outcome(run)


def _complete(run: Run) -> None:
    """Nothing is left to run: the workflow is COMPLETED, unless a permissive task failed."""
    failed = _permissive_failures(run)
    if not failed:
        run.end(WorkflowStatus.COMPLETED)
        return
    run.failure_task = failed[0]
    run.end(WorkflowStatus.FAILED, reason=". ".join(_failure_reason(t, WorkflowStatus.FAILED) for t in failed))


def _permissive_failures(run: Run) -> list[TaskState]:
    """The latest attempts of permissive (not optional) nodes that failed, oldest first.

    Read only when the workflow is about to complete and only if the definition has such nodes:
    one batched lookup. A failure inside a loop fails the DO_WHILE itself, at the end of its
    iteration, and one a JOIN waits on fails the JOIN, so the latest attempt is all that counts.
    """
    refs = [node.ref for node in run.defn.walk() if node.permissive and not node.optional]
    if not refs:
        return []
    found = run.latest_many(refs).values()
    failed = [t for t in found if t.is_terminal and not t.status.is_successful and not t.retried]
    return sorted(failed, key=lambda t: t.seq)


def _failure_reason(task: TaskState, status: WorkflowStatus) -> str:
    return f"Task {task.task_id} failed with status: {status.value} and reason: '{task.reason}'"


def _settle(run: Run) -> None:
    """Check each pending task once, then work off finished tasks until none is left.

    Finished tasks are taken in seq order; a container (JOIN) is checked again when a finished
    task leads to it, so the work of one decision follows what changed, not the number of tasks
    in the execution. A JOIN may also wait on a task in the middle of a branch, which leads
    elsewhere: once the work runs out, JOINs not checked since the last task finished are
    checked again.
    """
    for task in sorted(run.tasks.values(), key=lambda t: t.seq):
        if run.ended:
            return
        if task.is_terminal:
            continue
        if run.finished and run.types.get(task.task_type).waits_on_others:
            # A JOIN is checked after the finished tasks are worked off (when one leads to it,
            # or by the sweep of unchecked JOINs below), not before as well: its check reads
            # the fork's branches, and a wide fork's completion would pay for it twice.
            continue
        _check_pending(run, task)
    while not run.ended and run.status == WorkflowStatus.RUNNING:
        if run.finished:
            task_id = min(run.finished, key=run.finished.__getitem__)
            _process_finished(run, run.tasks[task_id])
        elif run.recheck:
            task_id = min(run.recheck, key=run.recheck.__getitem__)
            del run.recheck[task_id]
            # A pending task known only from history (left out of a focused load) is a worker
            # task: nothing to re-check in it.
            pending = run.tasks.get(task_id)
            if pending is not None and not pending.is_terminal:
                _check_pending(run, pending)
        else:
            stale = [t for t in run.tasks.values() if run.types.get(t.task_type).waits_on_others and not t.is_terminal
                     and run.checked.get(t.task_id, -1) < run.done_count]
            if not stale:
                return
            run.recheck.update((t.task_id, t.seq) for t in stale)


def _process_finished(run: Run, task: TaskState) -> None:
    node = run.node_of(task)
    refusal = run.output_refusal(task)
    if refusal is not None:
        # The same work would produce the same output: terminal, retries do not apply.
        task = run.finish(task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, reason=refusal)
    if not task.status.is_successful:
        _handle_failure(run, task)
        return
    task = run.put(replace(task, processed=True))
    handler = run.types.get(task.task_type)
    for nxt in handler.successors(run, task, node):
        if nxt.is_end:
            run.last_finished = task
        run.visit(nxt, task.iteration)
        if run.ended:
            return


def _handle_failure(run: Run, task: TaskState) -> None:
    node = run.node_of(task)
    handler = run.types.get(task.task_type)
    if handler.retriable and task.status.is_retriable and task.retry_count < _max_retries(run, task):
        run.put(replace(task, retried=True, processed=True))
        run.schedule(node, task.iteration, retry_of=task)
        return
    run.failed_refs.append(task.ref)
    run.failed_names.append(task.def_name)
    if node.optional:
        task = run.put(replace(task, status=TaskStatus.COMPLETED_WITH_ERRORS))
        _process_finished(run, task)
        return
    task = run.put(replace(task, processed=True))
    if node.permissive:
        # Conductor's permissive task: its failure stops nothing; what follows it runs (and its
        # sibling branches go on). A JOIN on it fails once all its joined tasks have ended, a
        # DO_WHILE at the end of the iteration, and otherwise the workflow fails when
        # everything else has finished (`_complete`).
        nxt = run.next_after(task)
        if nxt.is_end:
            run.last_finished = task
        run.visit(nxt, task.iteration)
        return
    status = {
        TaskStatus.TIMED_OUT: WorkflowStatus.TIMED_OUT,
        TaskStatus.CANCELED: WorkflowStatus.TERMINATED,
    }.get(task.status, WorkflowStatus.FAILED)
    reason = _failure_reason(task, status)
    # Conductor's updateWorkflowOutput(workflow, task): without outputParameters, a workflow that
    # a task ended takes that task's output (CONDUCTOR.md §1 "output of the last task").
    run.last_finished = task
    run.failure_task = task
    run.end(status, reason=reason)


def _max_retries(run: Run, task: TaskState) -> int:
    tdef = run.task_def(task.def_name)
    if tdef is None and not run.types.get(task.task_type).is_worker:
        # Conductor retries a system task (INLINE, HTTP, ...) only when a TaskDef of its name
        # is registered (expectedRetryCount = 0 without one); the node's retryCount overrides it.
        return 0
    override = run.node_of(task).get("retryCount")
    if isinstance(override, int) and not isinstance(override, bool) and override >= 0:
        return override
    return (tdef or _DEFAULT_WORKER_DEF).retry_count


def _check_pending(run: Run, task: TaskState) -> TaskState:
    checked = _check(run, task)
    run.checked[task.task_id] = run.done_count
    return checked


def _check(run: Run, task: TaskState) -> TaskState:
    handler = run.types.get(task.task_type)
    if handler.is_worker:
        if run.status == WorkflowStatus.PAUSED:
            # Conductor's decider returns right after the workflow-timeout check while a
            # workflow is PAUSED (CONDUCTOR.md §6): worker tasks are not timed out meanwhile.
            return task
        return _check_worker_timeouts(run, task)
    if task.status == TaskStatus.SCHEDULED and not handler.is_async:
        # A sync system task starts as soon as it is scheduled; one found SCHEDULED was put back
        # by retry or rerun, and is started now (Conductor's rerun starts it directly).
        if run.status != WorkflowStatus.RUNNING:
            return task
        # Its input is the retried or rerun one, which no schedule() checked.
        refusal = run.input_refusal(run.task_def(task.def_name), task) if handler.retriable else None
        if refusal is not None:
            return run.finish(task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, reason=refusal)
        return handler.start(run, task, run.node_of(task))
    return handler.check(run, task, run.node_of(task))


def _check_worker_timeouts(run: Run, task: TaskState) -> TaskState:
    tdef = run.task_def(task.def_name) or _DEFAULT_WORKER_DEF
    now = run.now
    deadline = _task_deadline(task, tdef)
    if deadline is not None and now >= deadline:
        timed_out = _task_timed_out(run, task, tdef, f"Task timed out after {tdef.timeout_seconds} seconds")
        # ALERT_ONLY leaves the task as it is; the response timeout below still applies to it,
        # as in Conductor, where checkTaskTimeout and isResponseTimedOut are independent.
        if timed_out is not task:
            return timed_out
    if task.status == TaskStatus.IN_PROGRESS:
        lease_end = _lease_end(task)
        if now >= lease_end:
            reason = f"responseTimeoutSeconds: {task.response_timeout_seconds} exceeded"
            return run.finish(task, TaskStatus.TIMED_OUT, reason=reason)
    elif task.status == TaskStatus.SCHEDULED and tdef.poll_timeout_seconds:
        since = task.available_at or task.scheduled_time
        if now >= since + timedelta(seconds=tdef.poll_timeout_seconds):
            return _task_timed_out(run, task, tdef, f"Task poll timed out after {tdef.poll_timeout_seconds} seconds")
    return task


def _task_deadline(task: TaskState, tdef: TaskDefinition) -> datetime | None:
    """When `timeoutSeconds` runs out for this attempt, if it applies.

    As in Conductor's checkTaskTimeout it counts from the first poll plus the start delay, and
    it covers every started attempt: also one a worker put back to SCHEDULED with a callback,
    which would otherwise escape the limit for as long as it keeps asking for callbacks.
    """
    if tdef.timeout_seconds <= 0:
        return None
    started = task.start_time
    if started is None and task.status == TaskStatus.IN_PROGRESS:
        started = task.scheduled_time
    if started is None:
        return None
    return started + timedelta(seconds=task.start_delay_seconds + tdef.timeout_seconds)


def _worker_timers(task: TaskState, tdef: TaskDefinition) -> list[datetime | None]:
    """The moments at which `_check_worker_timeouts` may change this task."""
    moments: list[datetime | None] = []
    # An ALERT_ONLY timeout changes nothing, so it needs no timer; a past one would otherwise
    # ask to be woken up again immediately, forever.
    if tdef.timeout_policy != "ALERT_ONLY":
        moments.append(_task_deadline(task, tdef))
        if task.status == TaskStatus.SCHEDULED and tdef.poll_timeout_seconds:
            since = task.available_at or task.scheduled_time
            moments.append(since + timedelta(seconds=tdef.poll_timeout_seconds))
    if task.status == TaskStatus.IN_PROGRESS:
        moments.append(_lease_end(task))
    return moments


def _task_timed_out(run: Run, task: TaskState, tdef: TaskDefinition, reason: str) -> TaskState:
    if tdef.timeout_policy == "ALERT_ONLY":
        return task
    task = run.finish(task, TaskStatus.TIMED_OUT, reason=reason)
    if tdef.timeout_policy == "TIME_OUT_WF":
        task = run.put(replace(task, processed=True))
        run.failed_refs.append(task.ref)
        run.failed_names.append(task.def_name)
        run.last_finished = run.failure_task = task
        run.end(WorkflowStatus.TIMED_OUT, reason=f"Task {task.task_id} timed out: {reason}")
    return task


def _lease_end(task: TaskState) -> datetime:
    last = task.update_time or task.start_time or task.scheduled_time
    return last + timedelta(seconds=task.response_timeout_seconds)


def _check_workflow_timeout(run: Run) -> None:
    deadline = _workflow_deadline(run)
    if deadline is None or run.now < deadline or run.ended:
        return
    if run.defn.timeout_policy == "TIME_OUT_WF":
        run.end(
            WorkflowStatus.TIMED_OUT,
            reason=f"Workflow timed out after {run.defn.timeout_seconds} seconds",
        )


def _workflow_deadline(run: Run) -> datetime | None:
    if run.defn.timeout_seconds <= 0 or run.defn.timeout_policy != "TIME_OUT_WF":
        return None
    since = run.state.last_retried_time or run.state.create_time
    return since + timedelta(seconds=run.defn.timeout_seconds)


def _next_wakeup(run: Run) -> datetime | None:
    if run.ended:
        return None
    moments: list[datetime | None] = [_workflow_deadline(run)]
    for task in run.tasks.values():
        if task.is_terminal:
            continue
        handler = run.types.get(task.task_type)
        if handler.is_worker:
            if run.status != WorkflowStatus.PAUSED:  # see _check_pending
                moments += _worker_timers(task, run.task_def(task.def_name) or _DEFAULT_WORKER_DEF)
        else:
            moments.append(handler.wakeup(run, task))
    return earliest(*moments)


def _outcome(run: Run) -> Outcome:
    created = [run.tasks[i] for i in run.created]
    changed = [run.tasks[i] for i in run.changed if i not in run.created]
    patch: WorkflowPatch | None = None
    if run.ended and run.end_status is not None:
        patch = WorkflowPatch(
            status=run.end_status,
            output=run.end_output,
            variables=run.variables,
            reason=run.end_reason,
            failed_refs=tuple(run.failed_refs),
            failed_task_names=tuple(run.failed_names),
            end_time=run.now,
            # A task that ends the workflow TERMINATED (a CANCELED task) starts the failure
            # workflow too, as in Conductor (CONDUCTOR.md §6 "TERMINATED-by-task"); a TERMINATE
            # task with status TERMINATED and the terminate API do not.
            start_failure_workflow=(
                (run.end_status in (WorkflowStatus.FAILED, WorkflowStatus.TIMED_OUT) or run.failure_task is not None)
                and run.defn.failure_workflow is not None
            ),
        )
    elif run.variables is not None or run.failed_refs:
        patch = WorkflowPatch(
            variables=run.variables,
            failed_refs=tuple(run.failed_refs),
            failed_task_names=tuple(run.failed_names),
        )
    return Outcome(
        created=created,
        changed=changed,
        workflow=patch,
        next_wakeup=_next_wakeup(run),
        seq=run.seq,
    )


def end_workflow(
    definition: WorkflowDefinition,
    state: WorkflowState,
    env: Env,
    status: WorkflowStatus,
    reason: str | None,
    trigger_failure_workflow: bool = False,
) -> Outcome:
    """End a workflow from outside (the terminate API): cancel pending tasks, compute output."""

    def no_new_ids() -> str:
        raise AssertionError("ending a workflow schedules nothing")

    run = Run(definition, state, replace(env, new_id=no_new_ids))
    run.end(status, reason=reason)
    outcome = _outcome(run)
    if outcome.workflow is not None and trigger_failure_workflow and definition.failure_workflow:
        outcome = replace(outcome, workflow=replace(outcome.workflow, start_failure_workflow=True))
    return outcome
