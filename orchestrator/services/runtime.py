"""The one write path: every state change of an execution is a command given to `execute`.

    execute(command) → lock → load → plan a `Change` → `_commit`: persist, record, dispatch

`_change` turns a command into a `Change` (what to write before deciding, whether to decide,
which events to note) under the lock; `_commit` is the one function that persists it
(`store.writes`), appends its events to the log in the same transaction, and queues the
Celery work and the websocket doorbell for after commit. An import-linter contract keeps
`store.writes`, `store.claims`, `executions.doorbell` and `services.dispatch` importable only
from here.

Lock order (the only locks taken on execution rows, all inside one `transaction.atomic()`):
  1. the workflow row, `SELECT ... FOR UPDATE` (on SQLite the IMMEDIATE transaction's write
     lock), taken in `lock_workflow` / `store.writes.lock_of_task` and nowhere else;
  2. then that workflow's task rows, by the writes of its decision.
A claim (`Claim`, and the claim that follows an update-v2 result) takes no workflow lock: it
locks only SCHEDULED task rows, with SKIP LOCKED, so it never waits for a decider, and a
decider waits for a claim only for the claim's one statement. update-v2 claims after its own
decision while holding its workflow lock; SKIP LOCKED keeps that from waiting on anyone.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from django.db import DatabaseError, transaction
from django.utils import timezone

from executions import doorbell, events
from executions.store import claims, reads, writes
from executions.store.definitions import TaskDefs, definition_of
from orchestrator.engine import operations
from orchestrator.engine.evaluator import end_workflow, evaluate
from orchestrator.engine.model import Outcome, TaskState, WorkflowState
from orchestrator.engine.results import ResultRejected, apply_result
from orchestrator.engine.status import TaskStatus, WorkflowStatus
from orchestrator.scheduler import store as schedule_store
from orchestrator.schemas import enforce
from orchestrator.systemtasks import registry
from orchestrator.wiring import engine_env

from . import dispatch
from .commands import (
    AppendLog,
    Claim,
    Command,
    Decide,
    HumanAssignment,
    HumanDecision,
    HumanEscalation,
    HumanNote,
    ManualResult,
    Operate,
    Pause,
    RecordFailureWorkflow,
    Remove,
    ReopenParentTask,
    ReportResult,
    Resume,
    RunSystemTask,
    ScheduleFire,
    Start,
    Terminate,
    WorkflowCommand,
)
from .errors import Conflict, NotFound, ServiceError, WorkflowNotFound

if TYPE_CHECKING:
    from executions.models import Task, Workflow

NOTHING = Outcome()
Note = tuple[str, Mapping[str, Any]]  # a workflow event: (status, extra payload)


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Change:
    """What a command does to one locked workflow, as a value `_commit` applies."""

    workflow: Mapping[str, Any] = field(default_factory=dict)  # columns set before deciding
    plan: operations.Plan | None = None  # task rows a retry/restart/rerun/skip rewrites
    tasks: tuple[TaskState, ...] = ()  # tasks the command changed (a result, a reopened task)
    state: WorkflowState | None = None  # the state to decide on, when the command loaded it
    outcome: Outcome | None = None  # a decision already made (terminate)
    decide: bool = True
    create: bool = False  # the workflow row is new: inserted with the decision's columns
    focused: bool = False  # `state` holds only the task a result concerns
    delete: bool = False
    notes: tuple[Note, ...] = ()
    logs: tuple[tuple[str, str], ...] = ()  # (task id, text) posted with a result
    sends: tuple[tuple[str, tuple[Any, ...]], ...] = ()  # Celery tasks to send after commit


@dataclass(frozen=True)
class Done:
    """What a command did: the workflow it touched, the decision, and for a result the task as
    it ended up (and the next task claimed by update-v2), for a claim the claimed rows; for a
    schedule fire whether this call wrote its record (`fired`)."""

    workflow_id: str | None
    outcome: Outcome = NOTHING
    task: TaskState | None = None
    claimed: list[Task] = field(default_factory=list)
    fired: bool = False


def execute(command: Command) -> Done:
    """Apply one command in one transaction (joining the caller's, if any)."""
    now = command.now if isinstance(command, Start) else timezone.now()
    # A start is given only inside `workflows.start`'s own atomic block (a savepoint of its own
    # when nested), so a savepoint here would only add two round trips to every start.
    with transaction.atomic(savepoint=not isinstance(command, Start)):
        if isinstance(command, Claim):
            return Done(None, claimed=_claim(command, now))
        if isinstance(command, AppendLog):
            writes.append_logs(command.task_id, [command.text], now)
            return Done(None)
        if isinstance(command, ScheduleFire):
            return _fire(command, now)
        row, change, task = _change(command, now)
        outcome = _commit(row, change, now)
        if not isinstance(command, ReportResult) or task is None:
            return Done(row.id, outcome)
        final = next((t for t in outcome.changed if t.task_id == task.task_id), task)
        claimed: list[Task] = []
        if command.claim_next and final.is_terminal and registry.is_worker_type(final.task_type):
            # The next task is most often of the same workflow, whose row is already at hand.
            worker = command.result.worker_id or final.worker_id
            # Its doorbell already rings for the result's events; once is enough.
            rung = {row.id} if change.tasks else set()
            claimed = _claim(Claim(final.def_name, worker, 1, final.domain), now, known=row, rung=rung)
        return Done(row.id, outcome, final, claimed)


def lock_workflow(workflow_id: str) -> Workflow:
    """Lock and return the workflow row (lock order: see the module docstring). Must run inside
    transaction.atomic()."""
    row = writes.lock(workflow_id)
    if row is None:
        raise WorkflowNotFound(workflow_id)
    return row


def decide(workflow_id: str) -> Outcome:
    """Re-decide a workflow now (sweeper, timers, forced decide)."""
    return execute(Decide(workflow_id)).outcome


# -- commands → changes -----------------------------------------------------------------------


def _change(command: WorkflowCommand, now: datetime) -> tuple[Workflow, Change, TaskState | None]:
    """Lock the workflow a command concerns and say what it changes. The one dispatch on
    commands: a new kind of state change (human decision, schedule fire) is a case here."""
    if isinstance(command, Start):
        # Not inserted yet: `_commit` inserts it with its first decision's columns, and the
        # insert locks it until commit. A new execution has no tasks to load.
        row = writes.new_workflow(command.values)
        return row, Change(state=reads.fresh_state(row), create=True, notes=(("RUNNING", {"started": True}),)), None
    if isinstance(command, ReportResult):
        return _result(command, now)
    if isinstance(command, HumanDecision):
        return _human_decision(command, now)
    if isinstance(command, ManualResult):
        return _manual_result(command, now)
    if isinstance(command, HumanAssignment):
        kind = _HUMAN_NOTE_KINDS.get(command.action, f"human.{command.action}")
        # built after `record`: a reassign's record adds the previous holder to the details
        return _human_audit(command.task_id, command.record, lambda: {
            "humanTask": command.action, "by": command.by, "taskId": command.task_id, "kind": kind,
            **command.details})
    if isinstance(command, HumanEscalation):
        return _human_escalation(command, now)
    if isinstance(command, HumanNote):
        return _human_note(command)
    if isinstance(command, RunSystemTask):
        by_task = writes.lock_of_task(command.task_id)
        if by_task is None:
            raise NotFound(f"Task {command.task_id} not found")
        return by_task, _run_system_task(by_task, command, now), None
    row = lock_workflow(command.workflow_id)
    match command:
        case Decide():
            return row, Change(), None
        case Terminate():
            return row, _terminate(row, command, now), None
        case Pause():
            if WorkflowStatus(row.status).is_terminal:
                raise Conflict(f"Workflow {row.id} is {row.status} and cannot be paused")
            if row.status == WorkflowStatus.PAUSED.value:
                return row, Change(decide=False), None
            paused = {"status": WorkflowStatus.PAUSED.value, "update_time": now}
            return row, Change(workflow=paused, decide=False, notes=(("PAUSED", {}),)), None
        case Resume():
            if row.status != WorkflowStatus.PAUSED.value:
                raise Conflict(f"Workflow {row.id} is {row.status}, not PAUSED")
            running = {"status": WorkflowStatus.RUNNING.value, "last_retried_time": now, "update_time": now}
            return row, Change(workflow=running, notes=(("RUNNING", {"resumed": True}),)), None
        case Remove():
            return row, Change(delete=True, decide=False), None
        case Operate():
            return row, _operate(row, command, now), None
        case ReopenParentTask():
            return row, _reopen(row, command, now), None
        case RecordFailureWorkflow():
            output = {**(row.output or {}), "conductor.failure_workflow": command.started}
            return row, Change(workflow={"output": output}, decide=False), None
        # ScheduleFire wraps a Start (see `_fire`); HumanDecision is a ReportResult with a guard.
    raise TypeError(f"not a command: {command!r}")  # pragma: no cover - a new command without a case


# The audit note kinds agreed for the run's event log; a vote's details name its own (approved/rejected).
_HUMAN_NOTE_KINDS = {"claim": "human.claimed", "release": "human.released", "reassign": "human.reassigned"}


def _human_audit(task_id: str, record: Callable[[], None],
                 payload: Callable[[], dict[str, Any]]) -> tuple[Workflow, Change, TaskState | None]:
    """A HUMAN task's inbox row moves (`record`, under the workflow lock) and the run's audit
    trail gets `payload()` (read after `record`) as a note; nothing of the execution changes."""
    held = writes.lock_of_task(task_id)
    if held is None:
        raise NotFound(f"Task {task_id} not found")
    record()
    return held, Change(decide=False, notes=((held.status, payload()),)), None


def _human_note(command: HumanNote) -> tuple[Workflow, Change, TaskState | None]:
    return _human_audit(command.task_id, command.record, lambda: {
        **command.payload, "humanTask": command.kind, "kind": command.kind, "taskId": command.task_id})


def _human_decision(command: HumanDecision, now: datetime) -> tuple[Workflow, Change, TaskState | None]:
    def guard(task: TaskState) -> None:
        if task.task_type != "HUMAN" or task.status != TaskStatus.IN_PROGRESS:
            raise Conflict(f"Task {task.task_id} ({task.task_type}, {task.status.value}) is not a pending HUMAN task")
        command.record(task)

    row, change, task = _result(ReportResult(command.task_id, command.result), now, guard=guard)
    decision = "APPROVED" if command.result.status == TaskStatus.COMPLETED else "REJECTED"
    note: Note = (row.status, {"humanDecision": decision, "decidedBy": command.decided_by,
                               "taskId": command.task_id, "reason": command.result.reason,
                               "kind": f"human.{decision.lower()}", "by": command.decided_by, **command.details})
    return row, replace(change, notes=(*change.notes, note)), task


def _human_escalation(command: HumanEscalation, now: datetime) -> tuple[Workflow, Change, TaskState | None]:
    """A step moves only the inbox's row; an exhausted chain decides the task as a person would."""
    note = {"kind": "human.escalated", "taskId": command.task_id, "ref": command.ref, "by": "escalation",
            "data": dict(command.data)}
    if command.result is None:
        return _human_audit(command.task_id, command.record, lambda: note)
    decision = HumanDecision(command.task_id, command.result, "escalation", lambda _task: command.record())
    row, change, task = _human_decision(decision, now)
    return row, replace(change, notes=((row.status, note), *change.notes)), task


# The task types an admin may complete or fail by hand: they wait for someone, not for a worker.
BY_HAND_TYPES = ("WAIT", "HUMAN")


def _manual_result(command: ManualResult, now: datetime) -> tuple[Workflow, Change, TaskState | None]:
    def guard(task: TaskState) -> None:
        if task.task_type not in BY_HAND_TYPES or task.status != TaskStatus.IN_PROGRESS:
            raise Conflict(f"Task {task.task_id} ({task.task_type}, {task.status.value}) "
                           "is not a pending WAIT or HUMAN task")

    row, change, task = _result(ReportResult(command.task_id, command.result), now, guard=guard)
    note: Note = (row.status, {"humanTask": "completed by hand" if command.result.status == TaskStatus.COMPLETED
                               else "failed by hand", "by": command.by, "taskId": command.task_id,
                               "reason": command.result.reason, "data": dict(command.result.output or {})})
    return row, replace(change, notes=(*change.notes, note)), task


def _result(command: ReportResult, now: datetime,
            guard: Callable[[TaskState], None] | None = None) -> tuple[Workflow, Change, TaskState | None]:
    row = writes.lock_of_task(command.task_id)
    if row is None:
        raise NotFound(f"Task {command.task_id} not found")
    state = reads.load_state(row, focus=command.task_id)
    task = next((t for t in state.tasks if t.task_id == command.task_id), None)
    if task is None:
        task = reads.task_state(command.task_id)
    if task is None:
        raise NotFound(f"Task {command.task_id} not found")
    if guard is not None:
        guard(task)
    try:
        updated = apply_result(task, command.result, now, is_worker=registry.is_worker_type(task.task_type))
    except ResultRejected as exc:
        raise Conflict(str(exc)) from exc
    if updated is not None and updated.status == TaskStatus.COMPLETED and registry.is_worker_type(task.task_type):
        # A worker's output is refused (400, nothing written) when it breaks an enforced outputSchema.
        inline = definition_of(row).inline_task_defs.get(task.def_name)
        enforce.check_task_output(inline or TaskDefs()(task.def_name), updated.output)
    logs = tuple((command.task_id, text) for text in command.logs)
    if updated is None:
        return row, Change(decide=False, logs=logs), task
    tasks = [updated if t.task_id == task.task_id else t for t in state.tasks]
    change = Change(state=replace(state, tasks=tasks), tasks=(updated,), focused=True, logs=logs)
    return row, change, updated


def _run_system_task(row: Workflow, command: RunSystemTask, now: datetime) -> Change:
    state = reads.load_state(row)
    task = next((t for t in state.tasks if t.task_id == command.task_id), None)
    if task is None or task.status != TaskStatus.SCHEDULED or WorkflowStatus(row.status).is_terminal:
        return Change(decide=False)  # already run (a re-sent message) or no longer wanted
    claimed = replace(task, status=TaskStatus.IN_PROGRESS, start_time=now, update_time=now)
    done, notes = claimed, cast(tuple[Note, ...], ())
    stepped = command.step(row, claimed)
    if stepped is not None:
        effect, notes = stepped
        finished = timezone.now()
        done = replace(claimed, status=effect.status, output=dict(effect.output), reason=effect.reason,
                       update_time=finished, end_time=finished if effect.status.is_terminal else None,
                       sub_workflow_id=effect.sub_workflow_id or claimed.sub_workflow_id)
    tasks = [done if t.task_id == done.task_id else t for t in state.tasks]
    return Change(state=replace(state, tasks=tasks), tasks=(done,), notes=notes)


def _terminate(row: Workflow, command: Terminate, now: datetime) -> Change:
    status = WorkflowStatus(row.status)
    if status == WorkflowStatus.COMPLETED:
        raise Conflict(f"Workflow {row.id} is COMPLETED and cannot be terminated")
    if status.is_terminal:
        return Change(decide=False)
    outcome = end_workflow(
        definition_of(row), reads.load_state(row), engine_env(now, new_id, reads.History(row.id), TaskDefs()),
        WorkflowStatus.TERMINATED, command.reason or None, command.trigger_failure_workflow,
    )
    return Change(outcome=outcome)


def _operate(row: Workflow, command: Operate, now: datetime) -> Change:
    try:
        plan, columns = command.planner(row, reads.load_state(row))
    except operations.OperationRefused as exc:
        raise Conflict(str(exc)) from exc
    values = {k: v.value if isinstance(v, WorkflowStatus) else v for k, v in plan.workflow.items()}
    values.update(columns, update_time=now)
    status = str(values.get("status", row.status))
    return Change(workflow=values, plan=plan, notes=((status, {"operation": command.name}),))


def _reopen(row: Workflow, command: ReopenParentTask, now: datetime) -> Change:
    task = reads.task_running_child(row.id, command.child_id)
    if task is None:
        return Change(decide=False)
    reopened = replace(task, status=TaskStatus.IN_PROGRESS, end_time=None, processed=False, reason=None)
    running = {"status": WorkflowStatus.RUNNING.value, "reason": None, "end_time": None,
               "last_retried_time": now, "update_time": now}
    # The child may have finished already (e.g. its retried task was a sync one): announce it.
    return Change(workflow=running, tasks=(reopened,), decide=False, notes=(("RUNNING", {"operation": "retry"}),),
                  sends=(("orchestrator.tasks.notify_parent", (command.child_id,)),))


# -- the one applier --------------------------------------------------------------------------


def _commit(row: Workflow, change: Change, now: datetime) -> Outcome:
    """Persist a change, decide if it asks to, record its events, dispatch after commit.
    The caller holds the workflow lock inside atomic()."""
    if change.delete:
        writes.delete_execution(row.id)
        return NOTHING
    if change.workflow:
        writes.update_workflow(row, change.workflow)
    if change.plan is not None:
        writes.apply_plan(row, change.plan)
    outcome = change.outcome
    if outcome is None and change.decide:
        outcome = _decide(row, now, change.state, change.tasks, change.focused)
    rows = [events.workflow_event(row.id, status, now, **extra) for status, extra in change.notes]
    rows += events.outcome_events(row.id, outcome or NOTHING, now, extra=change.tasks)
    # Nothing below reads a row: these writes go out together; leaving the block waits for them.
    with writes.pipelined():
        if outcome is not None:
            writes.save(row, outcome, now, extra_changed=change.tasks, focused=change.focused, create=change.create)
        else:
            writes.update_tasks(change.tasks)
        by_task: dict[str, list[str]] = {}
        for task_id, text in change.logs:
            by_task.setdefault(task_id, []).append(text)
        for task_id, texts in by_task.items():
            writes.append_logs(task_id, texts, now)  # one INSERT per task, as before
        writes.append_events(rows)
    if rows:
        doorbell.ring_on_commit(row.id)
    if outcome is not None:
        dispatch.after_decide(row, outcome, now)
    for name, args in change.sends:
        dispatch.send_on_commit(name, *args)
    return outcome or NOTHING


def _decide(row: Workflow, now: datetime, state: WorkflowState | None, pre: tuple[TaskState, ...],
            focused: bool) -> Outcome:
    if state is None:
        state = reads.load_state(row)
    defn = definition_of(row)
    env = engine_env(now, new_id, reads.History(row.id), TaskDefs())
    outcome = evaluate(defn, state, env)
    if focused and outcome.workflow is not None and outcome.workflow.status is not None:
        # Ending the workflow cancels every pending task, so decide again seeing all of them
        # (nothing was written yet: evaluate() is pure).
        full = reads.load_state(row)
        replaced = {t.task_id: t for t in pre}
        state = replace(full, tasks=[replaced.get(t.task_id, t) for t in full.tasks])
        outcome = evaluate(defn, state, env)
    return outcome


# -- schedule fires ---------------------------------------------------------------------------


def _fire(command: ScheduleFire, now: datetime) -> Done:
    """The fire record first: its unique (schedule, scheduled time) makes a concurrent second
    fire wait for this transaction and then find the record. The start runs in a savepoint, so a
    refused start leaves the record (FAILED, with the reason) and nothing of the workflow."""
    fire = schedule_store.claim_fire(command.schedule_id, command.schedule_name, command.scheduled_time, now,
                                     command.workflow_name, command.request, command.zone_id)
    if fire is None:
        return Done(None)
    try:
        with transaction.atomic():
            workflow_id = command.start()
    except DatabaseError:
        raise  # transient (a lock timeout, a lost connection): the whole fire is retried next tick
    except Exception as exc:  # noqa: BLE001 - a refused start, or a bug in it: either way on record, not only in a log
        reason = str(exc) if isinstance(exc, ServiceError) else f"{type(exc).__name__}: {exc}"
        schedule_store.fire_failed(fire, reason)
        return Done(None, fired=True)
    schedule_store.fire_executed(fire, workflow_id)
    return Done(workflow_id, fired=True)


# -- claims -----------------------------------------------------------------------------------


def _claim(command: Claim, now: datetime, known: Workflow | None = None,
           rung: Container[str] = ()) -> list[Task]:
    """concurrentExecLimit and rateLimitPerFrequency of the queue's TaskDef cap how many a poll
    takes; the rest stay queued for a later poll."""
    count = command.count
    concurrent, rate, window = _limits(command.queue)
    if concurrent or rate:
        claims.serialise_queue(command.queue)
        if concurrent > 0:
            count = min(count, concurrent - reads.running_in_queue(command.queue))
        if rate > 0 and count > 0:
            count = min(count, rate - reads.started_in_queue_since(command.queue, now - timedelta(seconds=window)))
    if count <= 0:
        return []
    rows = claims.claim(command.queue, command.worker_id, count, command.domain, now, known)
    for workflow_id in dict.fromkeys(r.workflow_id for r in rows):
        if workflow_id not in rung:
            doorbell.ring_on_commit(workflow_id)
    return rows


def _limits(queue: str) -> tuple[int, int, int]:
    """(concurrentExecLimit, rateLimitPerFrequency, rateLimitFrequencyInSeconds) of a queue's TaskDef."""
    tdef = TaskDefs()(queue)
    if tdef is None:
        return (0, 0, 1)
    return (tdef.concurrent_exec_limit, tdef.rate_limit_per_frequency, max(1, tdef.rate_limit_frequency_in_seconds))
