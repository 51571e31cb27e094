"""The contract every task type implements, and the narrow view of a run it works through.

A type decides what its input is when scheduled (`build_input`), what happens right after it is
scheduled (`start`: sync types finish here), how a pending task is re-checked on each evaluation
(`check`), what follows it when it succeeds (`successors`), when the evaluator must look at it
again (`wakeup`) and which problems a definition node of its type has (`validate`). Its flags
answer what the engine and the services ask of a type. The types themselves live in
`orchestrator.systemtasks` and reach the engine only through `Env.types` (a `TaskTypes`): the
engine never imports them.

Hooks get a `RunView` when they only read, and a `RunOps` when they may change the run; both are
protocols over `engine.run.Run`, so a type sees only what is listed here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar, Protocol

from .definition import Next, Node, WorkflowDefinition
from .model import JSON, TaskDefinition, TaskState
from .problems import Problem
from .scripts import Scripts
from .status import TaskStatus, WorkflowStatus


class RunView(Protocol):
    """What a task type may read of the evaluation in progress."""

    @property
    def defn(self) -> WorkflowDefinition: ...

    @property
    def now(self) -> datetime: ...

    @property
    def scripts(self) -> Scripts: ...

    @property
    def types(self) -> TaskTypes: ...

    @property
    def ended(self) -> bool: ...

    def task(self, task_id: str) -> TaskState:
        """The current value of a task this run holds."""
        ...

    def node_of(self, task: TaskState) -> Node: ...

    def next_after(self, task: TaskState) -> Next: ...

    def latest(self, ref: str) -> TaskState | None: ...

    def latest_many(self, refs: list[str]) -> dict[str, TaskState]: ...

    def count_unfinished(self, refs: list[str], fork: tuple[str, int] | None = None) -> int: ...

    def task_def(self, name: str) -> TaskDefinition | None: ...

    def domain_for(self, def_name: str) -> str | None: ...

    def current_variables(self) -> Mapping[str, JSON]: ...

    def resolve(self, value: Any, task_id: str | None = None) -> Any: ...

    def resolve_map(self, params: Mapping[str, Any] | None, task_id: str | None = None) -> dict[str, Any]: ...


class RunOps(RunView, Protocol):
    """The changes a task type may make; the run records each one in the outcome."""

    def put(self, task: TaskState) -> TaskState: ...

    def finish(
        self, task: TaskState, status: TaskStatus, output: Mapping[str, JSON] | None = None,
        reason: str | None = None,
    ) -> TaskState: ...

    def schedule(
        self, node: Node, iteration: int, *, retry_of: TaskState | None = None,
        dynamic_parent: str | None = None, dynamic_input: Mapping[str, JSON] | None = None,
    ) -> TaskState: ...

    def end(
        self, status: WorkflowStatus, reason: str | None = None, output: Mapping[str, JSON] | None = None
    ) -> None: ...

    def set_variables(self, values: Mapping[str, JSON]) -> None: ...

    def begin_iteration(self, loop_ref: str, iteration: int) -> None: ...


class TaskType:
    """The pure half of a task type. Subclasses set the flags and override the hooks they need."""

    type_name: ClassVar[str] = ""
    # Other names a definition may use for this type (Orkes' YIELD for WAIT).
    aliases: ClassVar[tuple[str, ...]] = ()
    # Conductor's runtime `taskType` when it differs from the definition's (FORK for FORK_JOIN).
    wire_name: ClassVar[str | None] = None
    # Polled and completed by external workers (SIMPLE and friends).
    is_worker: ClassVar[bool] = False
    # Control-flow operators (SWITCH, FORK, JOIN, DO_WHILE, ...) are never retried, as in
    # Conductor; other system tasks retry when a TaskDef of their name asks for it.
    retriable: ClassVar[bool] = False
    # Run by a Celery worker after the decision commits (HTTP, SUB_WORKFLOW, ...).
    is_async: ClassVar[bool] = False
    # Pending while other tasks run (JOIN, DO_WHILE): checked again whenever one finishes.
    waits_on_others: ClassVar[bool] = False
    # Its meaning comes from its place in the definition (nested task lists, or the FORK before
    # a JOIN), so a dynamic fork cannot create one.
    is_container: ClassVar[bool] = False
    # Structure the validator checks: a fork must be followed by a JOIN, loops do not nest.
    is_fork: ClassVar[bool] = False
    is_join: ClassVar[bool] = False
    is_loop: ClassVar[bool] = False
    # What the task lists under it (`nested`) are in the definition's index: CASE, BRANCH or
    # LOOP from engine.definition; None for a type with no nested lists.
    nests: ClassVar[str | None] = None
    # Runs a child workflow whose end it waits for (terminated with it, signalled through it).
    starts_child_workflow: ClassVar[bool] = False

    # -- pure hooks ------------------------------------------------------------------------

    def build_input(self, run: RunView, node: Node, task: TaskState) -> dict[str, Any]:
        params = run.resolve_map(node.input_parameters, task_id=task.task_id)
        tdef = run.task_def(node.name) if self.is_worker else None
        if tdef is not None and tdef.input_template:
            for key, value in tdef.input_template.items():
                if params.get(key) is None:
                    params[key] = value
        return params

    def add_input(self, params: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
        """The input of a task a dynamic fork started: its resolved input plus the fork's entry."""
        return {**params, **extra}

    def start(self, run: RunOps, task: TaskState, node: Node) -> TaskState:
        return task

    def check(self, run: RunOps, task: TaskState, node: Node) -> TaskState:
        return task

    def successors(self, run: RunOps, task: TaskState, node: Node) -> list[Next]:
        return [run.next_after(task)]

    def on_body_end(self, run: RunOps, task: TaskState, node: Node) -> None:
        """Only loops have a body; see DO_WHILE."""

    def terminal_node(self, run: RunView, task: TaskState, node: Node) -> Node | None:
        """For a container that finished before its children (SWITCH), the node whose end is its
        end; a JOIN waiting on the container waits for that node instead. None: the task itself."""
        return None

    def wakeup(self, run: RunView, task: TaskState) -> datetime | None:
        """When this pending (non-worker) task may change by itself; None: only when told."""
        return None

    def waits_for_signal(self, task_input: Mapping[str, Any]) -> bool:
        """Whether an IN_PROGRESS task with this input is parked until someone completes it
        (what the signal endpoints look for)."""
        return False

    # -- validation ------------------------------------------------------------------------

    def validate(self, task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
        """The type-specific problems of one WorkflowTask JSON object (never raises)."""
        return []

    def nested(self, task: dict[str, Any], path: str) -> list[tuple[Any, str]]:
        """The task lists nested directly under this node, with their paths (unchecked shapes)."""
        return []


class TaskTypes(Protocol):
    """The registry of task types the engine is given (see `orchestrator.systemtasks.registry`)."""

    def get(self, type_name: str) -> TaskType:
        """The type of that name; an unknown name is a worker (SIMPLE) task, as in Conductor."""
        ...

    def known(self, type_name: str) -> bool:
        """Whether a definition may use this type name (aliases included)."""
        ...

    def names(self) -> Sequence[str]:
        """Every name a definition may use, for messages."""
        ...


def wire_task_type(types: TaskTypes, task_type: str, def_name: str) -> str:
    """Conductor's runtime `taskType`: a worker task's is its definition name, a fork's FORK."""
    handler = types.get(task_type)
    if handler.is_worker:
        return def_name
    return handler.wire_name or task_type
