"""The state changes the runtime knows, as small frozen values (`runtime.execute(command)`).

A command says what was asked, not how to do it: the runtime takes the lock, loads, decides and
persists. Adding a kind of state change is adding a command here and one case in
`runtime._change` (the human decision and the schedule fire of the coming issues land there).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from orchestrator.engine.model import TaskState, WorkflowState
from orchestrator.engine.operations import Plan
from orchestrator.engine.results import TaskResult

if TYPE_CHECKING:
    from executions.models import Workflow
    from orchestrator.systemtasks.ports import Effect


@dataclass(frozen=True)
class Start:
    """Create an execution (its column values) and make its first decision at `now`, the
    execution's create time."""

    values: Mapping[str, Any]
    now: datetime


@dataclass(frozen=True)
class Decide:
    """Decide again now: a timer, the sweeper, a retry delay or a forced decide."""

    workflow_id: str


@dataclass(frozen=True)
class ReportResult:
    """A worker's or a system task's result. With `claim_next`, the same worker then claims
    its next task of that type in the same transaction (update-v2)."""

    task_id: str
    result: TaskResult
    logs: tuple[str, ...] = ()
    claim_next: bool = False


@dataclass(frozen=True)
class Claim:
    """A worker polls: claim up to `count` tasks of a queue (no workflow lock)."""

    queue: str
    worker_id: str | None
    count: int
    domain: str | None = None


@dataclass(frozen=True)
class AppendLog:
    """A log line a worker posts on its own (no workflow lock: logs are not decided on)."""

    task_id: str
    text: str


@dataclass(frozen=True)
class Terminate:
    workflow_id: str
    reason: str | None = None
    trigger_failure_workflow: bool = False


@dataclass(frozen=True)
class Pause:
    workflow_id: str


@dataclass(frozen=True)
class Resume:
    workflow_id: str


@dataclass(frozen=True)
class Remove:
    """Delete an execution with its tasks, logs and events."""

    workflow_id: str


Planner = Callable[["Workflow", WorkflowState], tuple[Plan, Mapping[str, Any]]]


@dataclass(frozen=True)
class Operate:
    """Retry, restart, rerun or skip: `planner` (a pure `engine.operations` planner bound to its
    arguments) runs under the lock and returns the plan plus any further workflow columns
    (restart with the latest definition changes the snapshot)."""

    workflow_id: str
    name: str
    planner: Planner = field(compare=False)


@dataclass(frozen=True)
class ReopenParentTask:
    """After its failed child was retried in place, the parent's SUB_WORKFLOW task and the
    parent run again; the child is announced to the parent after commit."""

    workflow_id: str
    child_id: str


@dataclass(frozen=True)
class RecordFailureWorkflow:
    """Note in a failed workflow's output the failure workflow started for it (or why not)."""

    workflow_id: str
    started: str


# What an async system task did: its new status, output, reason, the child it started (if
# any) and workflow notes (e.g. the event it published). None: claimed only, its result comes
# later as a ReportResult (types that run outside the transaction, like HTTP).
SystemTaskStep = Callable[["Workflow", TaskState], "tuple[Effect, tuple[tuple[str, Mapping[str, Any]], ...]] | None"]


@dataclass(frozen=True)
class RunSystemTask:
    """Claim a SCHEDULED async system task (SCHEDULED → IN_PROGRESS) under its workflow's lock
    and record what `step` did, in one transaction. `step` runs under the lock, after the claim,
    so a side effect that writes (starting a child workflow) commits with it or not at all."""

    task_id: str
    step: SystemTaskStep = field(compare=False)


@dataclass(frozen=True)
class ScheduleFire:
    """A schedule fires for `scheduled_time`: insert its unique fire record and start the
    workflow, in one transaction. `start` is the Start path bound to the schedule's request
    (`services.workflows.start`) and returns the new id; if it refuses (definition deleted, bad
    input) the fire is recorded FAILED with the reason. A second fire of the same (schedule,
    time) — another beat, a redelivered message — finds the record and does nothing."""

    schedule_id: int
    schedule_name: str
    scheduled_time: datetime
    workflow_name: str
    request: Mapping[str, Any]
    zone_id: str
    start: Callable[[], str] = field(compare=False)


@dataclass(frozen=True)
class HumanDecision:
    """Someone approved or rejected a HUMAN task in the inbox: `result` completes it (the form
    data plus `decidedBy` as output) or fails it (the reason). `record` runs under the workflow
    lock before the result is applied: it moves the inbox's own row through its transition
    table and raises (a `ServiceError`) when that transition is not allowed, which rolls the
    whole decision back; so of two concurrent decisions exactly one lands."""

    task_id: str
    result: TaskResult
    decided_by: str
    record: Callable[[TaskState], None] = field(compare=False)
    details: Mapping[str, Any] = field(default_factory=dict, compare=False)  # more for the audit note


@dataclass(frozen=True)
class HumanAssignment:
    """Someone claimed, released, reassigned or voted on a HUMAN task. Nothing of the execution changes;
    the workflow lock orders it with decisions, and the note puts it on the run's audit trail.
    `record` moves the inbox's row (and raises when the transition is not allowed)."""

    task_id: str
    action: str  # claim, release, reassign, or vote (an N-of-M approval or rejection that does not decide)
    by: str
    record: Callable[[], None] = field(compare=False)
    details: Mapping[str, Any] = field(default_factory=dict, compare=False)  # more for the audit note


@dataclass(frozen=True)
class HumanEscalation:
    """An escalation step of a HUMAN task came due (the inbox's sweep). With no `result` only the
    inbox's row moves (new candidates, released to open), like `HumanAssignment`; with one, the
    chain is exhausted and the task completes or fails as a decision would. `record` re-checks
    under the workflow lock that the step is still due and raises (a `ServiceError`) when not, so
    of two racing sweeps one applies it. `data` goes into the `human.escalated` note."""

    task_id: str
    ref: str
    data: Mapping[str, Any]
    record: Callable[[], None] = field(compare=False)
    result: TaskResult | None = None


@dataclass(frozen=True)
class HumanNote:
    """Something happened on a HUMAN task that changes nothing of the execution but belongs on
    the run's audit trail (a comment: kind `human.commented`). `record` writes the inbox's own
    row under the workflow lock; `payload` ({"ref", "by", "data"...}) goes into the note."""

    task_id: str
    kind: str
    payload: Mapping[str, Any]
    record: Callable[[], None] = field(compare=False)


@dataclass(frozen=True)
class ManualResult:
    """An admin completed or failed a pending WAIT or HUMAN task by hand (the run page's way in,
    beside the inbox): `result` is applied as a worker's would be, and the note names `by`, so
    the run's event history says who did it."""

    task_id: str
    result: TaskResult
    by: str


# Commands that change one workflow under its lock, and the ones that take no workflow lock.
WorkflowCommand = (Start | Decide | ReportResult | Terminate | Pause | Resume | Remove | Operate
                   | ReopenParentTask | RecordFailureWorkflow | RunSystemTask | HumanDecision
                   | HumanAssignment | HumanEscalation | HumanNote | ManualResult)
Command = WorkflowCommand | Claim | AppendLog | ScheduleFire
