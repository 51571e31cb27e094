"""Values the evaluator reads and returns. All frozen: the evaluator never mutates its input.

Times are timezone-aware UTC datetimes. Task input/output are JSON-shaped dicts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from .schemas import SchemaRef
from .status import TaskStatus, WorkflowStatus

JSON = Any


@dataclass(frozen=True)
class TaskDefinition:
    """A registered TaskDef reduced to what the evaluator needs (Conductor's defaults)."""

    name: str
    retry_count: int = 3
    retry_logic: str = "FIXED"
    retry_delay_seconds: int = 60
    backoff_scale_factor: int = 1
    max_retry_delay_seconds: int = 0
    backoff_jitter_ms: int = 0
    timeout_seconds: int = 0
    timeout_policy: str = "TIME_OUT_WF"
    response_timeout_seconds: int = 3600
    poll_timeout_seconds: int | None = None
    input_template: Mapping[str, JSON] = field(default_factory=dict)
    rate_limit_per_frequency: int = 0
    rate_limit_frequency_in_seconds: int = 1
    concurrent_exec_limit: int = 0
    # Orkes' schema contract: with `enforce_schema`, a task's resolved input must match
    # `input_schema` (else it fails, terminally) and its output `output_schema` (a worker's
    # is refused with a 400; a server-run task's fails it, terminally).
    input_schema: SchemaRef | None = None
    output_schema: SchemaRef | None = None
    enforce_schema: bool = False


@dataclass(frozen=True)
class TaskState:
    """One task row of an execution (one attempt of one node in one loop iteration)."""

    task_id: str
    ref: str  # runtime reference name; loop body tasks carry the `__<iteration>` suffix
    node_ref: str  # the taskReferenceName of the definition node
    task_type: str  # definition type: SIMPLE, SWITCH, FORK_JOIN, ...
    def_name: str  # taskDefName (the node's `name`); the queue name for worker tasks
    status: TaskStatus
    seq: int
    scheduled_time: datetime
    input: Mapping[str, JSON] = field(default_factory=dict)
    output: Mapping[str, JSON] = field(default_factory=dict)
    retry_count: int = 0
    iteration: int = 0
    start_time: datetime | None = None
    end_time: datetime | None = None
    update_time: datetime | None = None
    available_at: datetime | None = None  # not pollable before (startDelay, retry delay, callback)
    callback_after_seconds: int = 0
    start_delay_seconds: int = 0
    poll_count: int = 0
    worker_id: str | None = None
    reason: str | None = None
    retried: bool = False
    retried_task_id: str | None = None
    processed: bool = False  # successors (or retry / workflow failure) already decided
    domain: str | None = None
    sub_workflow_id: str | None = None
    response_timeout_seconds: int = 3600
    # Tasks created by FORK_JOIN_DYNAMIC / DYNAMIC are not nodes of the definition: they carry
    # their WorkflowTask JSON, and the ref of the node whose place they take in the structure.
    dynamic_node: Mapping[str, JSON] | None = None
    dynamic_parent: str | None = None

    @property
    def is_terminal(self) -> bool:
        return self.status.is_terminal


@dataclass(frozen=True)
class WorkflowState:
    """An execution's row plus its open tasks (non-terminal, or terminal but not yet processed)."""

    workflow_id: str
    name: str
    version: int
    status: WorkflowStatus
    create_time: datetime
    input: Mapping[str, JSON] = field(default_factory=dict)
    output: Mapping[str, JSON] = field(default_factory=dict)
    variables: Mapping[str, JSON] = field(default_factory=dict)
    correlation_id: str | None = None
    reason: str | None = None
    parent_workflow_id: str | None = None
    parent_workflow_task_id: str | None = None
    priority: int = 0
    task_to_domain: Mapping[str, str] = field(default_factory=dict)
    last_retried_time: datetime | None = None
    seq: int = 0  # the highest task seq handed out; 0 means nothing was scheduled yet
    tasks: Sequence[TaskState] = ()
    # Pending worker tasks left out of `tasks` by a focused load (a task result touches one
    # task; reading a thousand pending siblings would make each completion cost O(n)). Only
    # "none" (0) versus "some" matters; the store answers 0 or 1.
    pending_elsewhere: int = 0


class TaskHistory(Protocol):
    """Read access to tasks outside the open set (the store answers from the database)."""

    def latest(self, ref: str) -> TaskState | None:
        """The newest task whose runtime ref, or failing that node ref, is `ref`."""

    def latest_many(self, refs: Sequence[str]) -> Mapping[str, TaskState]:
        """`latest` for several refs in one go; refs with no task are absent."""

    def count_unfinished(self, refs: Sequence[str]) -> int:
        """How many of these runtime refs have no latest attempt that finished for good
        (terminal and successful, or terminal and processed)."""

    def count_finished_children(self, parent_ref: str, iteration: int, excluding: Sequence[str]) -> int:
        """How many tasks the dynamic fork `parent_ref` started in `iteration` have a latest
        attempt that finished for good, leaving out the runtime refs in `excluding`.

        The JOIN after a fork of thousands asks this on every branch completion: its cost must
        not grow with the number of branches (no list of every branch ref)."""


@dataclass(frozen=True)
class WorkflowPatch:
    """Changes to the workflow row; None fields stay as they were."""

    status: WorkflowStatus | None = None
    output: Mapping[str, JSON] | None = None
    variables: Mapping[str, JSON] | None = None
    reason: str | None = None
    failed_refs: Sequence[str] = ()
    failed_task_names: Sequence[str] = ()
    end_time: datetime | None = None
    start_failure_workflow: bool = False


@dataclass(frozen=True)
class Outcome:
    """What one evaluation decided: rows to insert, rows to update, the workflow change, the next look."""

    created: Sequence[TaskState] = ()
    changed: Sequence[TaskState] = ()
    workflow: WorkflowPatch | None = None
    next_wakeup: datetime | None = None
    seq: int = 0  # the workflow's new highest task seq

    @property
    def is_empty(self) -> bool:
        return not self.created and not self.changed and self.workflow is None
