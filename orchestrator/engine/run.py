"""One evaluation's working memory: the tasks it has seen, what it created and changed.

`Run` is what task-type modules talk to. It is created and thrown away by `evaluate()`;
nothing here outlives one call, and nothing here performs I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from . import expressions
from .definition import Next, Node, WorkflowDefinition
from .env import Env
from .model import JSON, TaskDefinition, TaskState, WorkflowState
from .schemas import describe
from .scripts import Scripts
from .status import TaskStatus, WorkflowStatus
from .tasktype import TaskTypes, wire_task_type
from .timing import retry_delay_seconds, to_ms


def runtime_ref(node_ref: str, iteration: int) -> str:
    """Loop body tasks get `__<iteration>` appended so each iteration has its own rows."""
    return f"{node_ref}__{iteration}" if iteration > 0 else node_ref


class Run:
    """Mutable state of a single evaluation; see `evaluator.evaluate`.

    Task types see it through the `tasktype.RunView` / `RunOps` protocols only.
    """

    def __init__(self, definition: WorkflowDefinition, state: WorkflowState, env: Env) -> None:
        self.defn = definition
        self.state = state
        self.env = env
        self.now: datetime = env.now
        self.new_id = env.new_id
        self.history = env.history
        self.types: TaskTypes = env.types
        self.scripts: Scripts = env.scripts
        self.tasks: dict[str, TaskState] = {t.task_id: t for t in state.tasks}
        self.by_ref: dict[str, TaskState] = {}
        for task in sorted(state.tasks, key=lambda t: t.seq):
            self._remember(task)
        self.created: dict[str, None] = {}  # ids of new tasks, in creation order
        self.changed: set[str] = set()
        self.seq = state.seq
        self.variables: dict[str, JSON] | None = None  # set once SET_VARIABLE changes them
        self.status = state.status
        self.ended = False
        self.end_status: WorkflowStatus | None = None
        self.end_reason: str | None = None
        self.end_output: Mapping[str, JSON] | None = None
        self.failed_refs: list[str] = []
        self.failed_names: list[str] = []
        self.last_finished: TaskState | None = None
        self.failure_task: TaskState | None = None  # the task whose failure ended the workflow
        self._workflow_doc: dict[str, Any] | None = None
        # Worklists: finished tasks whose successors are still to be decided, and pending
        # containers (JOINs) that a finished task led to and that must be checked again.
        self.finished: dict[str, int] = {
            t.task_id: t.seq for t in state.tasks if t.status.is_terminal and not t.processed
        }
        self.recheck: dict[str, int] = {}
        # How many times a task was recorded terminal, and that count when each pending task
        # was last checked: a JOIN checked before the latest finish may be out of date.
        self.done_count = 0
        self.checked: dict[str, int] = {}
        # Loop iterations (loop ref, iteration) begun in this evaluation: every row they have,
        # this evaluation created, so looking one up needs no history read.
        self.fresh_iterations: set[tuple[str, int]] = set()

    # -- tasks ---------------------------------------------------------------------------

    def _remember(self, task: TaskState) -> None:
        for key in (task.ref, task.node_ref):
            current = self.by_ref.get(key)
            if current is None or current.seq <= task.seq:
                self.by_ref[key] = task

    def put(self, task: TaskState) -> TaskState:
        """Record a new value for a task this run created or loaded."""
        if task.task_id not in self.created:
            self.changed.add(task.task_id)
        self.tasks[task.task_id] = task
        self._remember(task)
        if task.status.is_terminal:
            self.done_count += 1
        if task.status.is_terminal and not task.processed:
            self.finished[task.task_id] = task.seq
        else:
            self.finished.pop(task.task_id, None)
        return task

    def task(self, task_id: str) -> TaskState:
        return self.tasks[task_id]

    def node_of(self, task: TaskState) -> Node:
        """The definition node a task runs (or its own node, for dynamically created tasks)."""
        if task.dynamic_node is not None:
            return dynamic_node(task.dynamic_node)
        return self.defn.node(task.node_ref)

    def next_after(self, task: TaskState) -> Next:
        """What follows a task in the structure; a dynamic task stands where its parent stands."""
        if task.dynamic_parent is not None:
            return self.defn.next_after(task.dynamic_parent)
        return self.defn.next_after(task.node_ref)

    def latest(self, ref: str) -> TaskState | None:
        """The newest attempt of `ref` (runtime ref, or node ref for the latest iteration)."""
        task = self.by_ref.get(ref)
        if task is not None:
            return task
        task = self.history.latest(ref)
        if task is not None:
            self._remember(task)
        return task

    def latest_many(self, refs: list[str]) -> dict[str, TaskState]:
        found = {ref: self.by_ref[ref] for ref in refs if ref in self.by_ref}
        missing = [ref for ref in refs if ref not in found]
        if missing:
            for ref, task in self.history.latest_many(missing).items():
                found[ref] = task
                self._remember(task)
        return found

    def count_unfinished(self, refs: list[str], fork: tuple[str, int] | None = None) -> int:
        """How many of `refs` (latest attempts) are missing or not finished for good.

        `fork` = (dynamic fork ref, iteration) when `refs` are exactly the tasks that fork
        started: the history then counts them by their parent, with constant parameters,
        instead of being handed every ref.
        """
        known = [ref for ref in refs if ref in self.by_ref]
        pending = sum(1 for ref in known if not _finished_for_good(self.by_ref[ref]))
        unknown = len(refs) - len(known)
        if unknown and fork is not None:
            # Known refs are left out of the count: their rows may be older than this run's copy.
            done = self.history.count_finished_children(fork[0], fork[1], known)
            # More "done" rows than refs would be rows of an earlier fork of the same iteration;
            # reporting too few pending only makes the JOIN do its full check.
            pending += max(0, unknown - done)
        elif unknown:
            pending += self.history.count_unfinished([ref for ref in refs if ref not in self.by_ref])
        return pending

    def task_def(self, name: str) -> TaskDefinition | None:
        # A WorkflowTask's own `taskDefinition` wins over the registered TaskDef, as in Conductor.
        inline = self.defn.inline_task_defs.get(name)
        return inline if inline is not None else self.env.task_defs(name)

    def iteration_for(self, node: Node, hint: int) -> int:
        """The iteration `node` runs in, when reached from a task of iteration `hint`."""
        loop_ref = self.defn.loop_of(node.ref)
        if loop_ref is None:
            return 0
        if hint > 0:
            # A body task leads to the next one of its own iteration, even when the loop has
            # moved on meanwhile (a JOIN on some branches only, a loop closed after a retry).
            return hint
        loop_task = self.latest(loop_ref)
        return loop_task.iteration if loop_task is not None else hint

    def schedule(
        self, node: Node, iteration: int, *, retry_of: TaskState | None = None,
        dynamic_parent: str | None = None, dynamic_input: Mapping[str, JSON] | None = None,
    ) -> TaskState:
        """Create the next task row for `node` and let its type start it.

        `dynamic_parent` marks a task a dynamic fork created: it is not a node of the definition,
        so it keeps its WorkflowTask JSON, stands in the structure where its parent stands, and
        adds `dynamic_input` to its own resolved input (Conductor's DynamicForkJoinTaskMapper).
        A retry of a dynamic task (also one DYNAMIC became) keeps all of that and its old input.
        """
        # The earlier attempt of a dynamic task being retried, whose identity the retry keeps.
        dynamic_retry = retry_of if retry_of is not None and retry_of.dynamic_node is not None else None
        if dynamic_retry is not None:
            dynamic_parent = dynamic_retry.dynamic_parent
        handler = self.types.get(node.type)
        task_id = self.new_id()
        self.seq += 1
        # A retry's delay comes from the task's definition, for system tasks too.
        # A TaskDef of the node's name applies to the server-run types that do work (INLINE,
        # HTTP, JSON_JQ_TRANSFORM, ...: `retriable`) as to workers: retries and enforced schemas.
        tdef = self.task_def(node.name) if handler.retriable or retry_of is not None else None
        start_delay = _int(node.get("startDelay"))
        available_at = self.now + timedelta(seconds=start_delay) if start_delay else self.now
        retry_count = 0
        if retry_of is not None:
            retry_count = retry_of.retry_count + 1
            delay = retry_delay_seconds(tdef or TaskDefinition(node.name), retry_of.retry_count, task_id)
            available_at = self.now + timedelta(seconds=delay)
            start_delay = int(delay)
        task = TaskState(
            task_id=task_id,
            ref=runtime_ref(node.ref, iteration),
            node_ref=node.ref,
            task_type=node.type,
            def_name=node.name,
            status=TaskStatus.SCHEDULED,
            seq=self.seq,
            scheduled_time=self.now,
            update_time=self.now,
            available_at=available_at,
            start_delay_seconds=start_delay,
            callback_after_seconds=start_delay if retry_of is not None else 0,
            retry_count=retry_count,
            iteration=iteration,
            retried_task_id=retry_of.task_id if retry_of is not None else None,
            domain=self.domain_for(node.name) if handler.is_worker else None,
            response_timeout_seconds=(tdef.response_timeout_seconds if tdef and handler.is_worker else 3600),
            dynamic_node=dict(node.raw) if dynamic_parent is not None or dynamic_retry is not None else None,
            dynamic_parent=dynamic_parent,
        )
        if dynamic_retry is not None:
            # As Conductor's retry: the old input, with the task's own inputParameters resolved
            # again over it (the fork's entry for it is not at hand any more).
            inputs = {**dynamic_retry.input, **self.resolve_map(node.input_parameters, task_id)}
        else:
            inputs = handler.build_input(self, node, task)
            if dynamic_input is not None:
                inputs = handler.add_input(inputs, dynamic_input)
        task = replace(task, input=inputs)
        self.created[task_id] = None
        self.tasks[task_id] = task
        self._remember(task)
        refusal = self.input_refusal(tdef, task) if handler.retriable else None
        if refusal is not None:
            # The input will be the same on every attempt, so retries cannot help: terminal.
            return self.finish(task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, reason=refusal)
        return self.put(handler.start(self, task, node))

    def input_refusal(self, tdef: TaskDefinition | None, task: TaskState) -> str | None:
        """Why an enforced `inputSchema` refuses this task's resolved input; None if it conforms."""
        if tdef is None or not tdef.enforce_schema or tdef.input_schema is None:
            return None
        found = self.env.schemas.violations(tdef.input_schema, dict(task.input))
        return describe("Task input", tdef.input_schema, found) if found else None

    def output_refusal(self, task: TaskState) -> str | None:
        """Why an enforced `outputSchema` refuses the output a server-run task (INLINE, HTTP, ...)
        COMPLETED with; None if it conforms. A worker's output was checked at the API's edge."""
        handler = self.types.get(task.task_type)
        if task.status != TaskStatus.COMPLETED or handler.is_worker or not handler.retriable:
            return None
        tdef = self.task_def(task.def_name)
        if tdef is None or not tdef.enforce_schema or tdef.output_schema is None:
            return None
        found = self.env.schemas.violations(tdef.output_schema, dict(task.output))
        return describe("Task output", tdef.output_schema, found) if found else None

    def domain_for(self, def_name: str) -> str | None:
        mapping = self.state.task_to_domain
        domain = mapping.get(def_name) or mapping.get("*")
        if not domain or domain == "NO_DOMAIN":
            return None
        return domain.split(",")[0].strip() or None

    def finish(
        self, task: TaskState, status: TaskStatus, output: Mapping[str, JSON] | None = None,
        reason: str | None = None,
    ) -> TaskState:
        """Move a task to a terminal status now."""
        return self.put(
            replace(
                task,
                status=status,
                output=dict(output) if output is not None else task.output,
                reason=reason if reason is not None else task.reason,
                start_time=task.start_time or self.now,
                end_time=self.now,
                update_time=self.now,
            )
        )

    # -- expressions ---------------------------------------------------------------------

    def lookup(self, name: str) -> Any:
        if name == "workflow":
            return self.workflow_doc()
        task = self.latest(name)
        return task_doc(task, self.state.workflow_id, self.types) if task is not None else None

    def workflow_doc(self) -> dict[str, Any]:
        if self._workflow_doc is None:
            s = self.state
            self._workflow_doc = {
                "input": s.input,
                "output": self.end_output if self.end_output is not None else s.output,
                "status": (self.end_status or self.status).value,
                "workflowId": s.workflow_id,
                "parentWorkflowId": s.parent_workflow_id,
                "parentWorkflowTaskId": s.parent_workflow_task_id,
                "workflowType": s.name,
                "version": s.version,
                "correlationId": s.correlation_id,
                "reasonForIncompletion": self.end_reason or s.reason,
                "schemaVersion": 2,
                "variables": self.current_variables(),
            }
        return self._workflow_doc

    def resolve(self, value: Any, task_id: str | None = None) -> Any:
        return expressions.resolve(value, self, task_id=task_id)

    def resolve_map(self, params: Mapping[str, Any] | None, task_id: str | None = None) -> dict[str, Any]:
        return expressions.resolve_map(params, self, task_id=task_id)

    # -- workflow ------------------------------------------------------------------------

    def current_variables(self) -> Mapping[str, JSON]:
        return self.variables if self.variables is not None else self.state.variables

    def set_variables(self, values: Mapping[str, JSON]) -> None:
        merged = dict(self.current_variables())
        merged.update(values)
        self.variables = merged
        self._workflow_doc = None

    def end(
        self, status: WorkflowStatus, reason: str | None = None, output: Mapping[str, JSON] | None = None
    ) -> None:
        """End the workflow: cancel what is pending and compute its output."""
        if self.ended:
            return
        self.ended = True
        self.end_status = status
        self.end_reason = reason
        for task in list(self.tasks.values()):
            if not task.is_terminal:
                task = self.finish(task, TaskStatus.CANCELED)
            if not task.processed:
                self.put(replace(task, processed=True))
        self._workflow_doc = None
        if output is not None:
            self.end_output = dict(output)
        elif self.defn.output_parameters:
            self.end_output = self.resolve_map(self.defn.output_parameters)
        elif self.last_finished is not None:
            self.end_output = dict(self.last_finished.output)
        else:
            self.end_output = {}
        if status == WorkflowStatus.COMPLETED:
            self._check_output_schema()
        self._workflow_doc = None

    def _check_output_schema(self) -> None:
        """An enforced WorkflowDef `outputSchema` the computed output breaks turns COMPLETED into
        FAILED (the output is kept, to show what broke it); nothing else is undone."""
        ref = self.defn.enforced_output_schema
        if ref is None or self.end_output is None:
            return
        found = self.env.schemas.violations(ref, dict(self.end_output))
        if found:
            self.end_status = WorkflowStatus.FAILED
            self.end_reason = describe("Workflow output", ref, found)

    def visit(self, nxt: Next, iteration: int) -> None:
        """Act on what follows a finished node: schedule it, or close a loop iteration."""
        if nxt.loop_end is not None:
            loop_task = self.latest(nxt.loop_end)
            if loop_task is not None and not loop_task.is_terminal:
                loop_node = self.defn.node(nxt.loop_end)
                self.types.get(loop_node.type).on_body_end(self, loop_task, loop_node)
            return
        node = nxt.node
        if node is None:
            return
        iteration = self.iteration_for(node, iteration)
        ref = runtime_ref(node.ref, iteration)
        if ref not in self.by_ref and self._in_fresh_iteration(node, iteration):
            self.schedule(node, iteration)
            return
        existing = self.latest(ref)
        if existing is not None and existing.ref == ref:
            if existing.status == TaskStatus.SKIPPED:
                self.visit(self.defn.next_after(node.ref), iteration)
            elif not existing.is_terminal:
                # A JOIN (or other container) that a finished branch leads to: look again.
                self.recheck[existing.task_id] = existing.seq
            return
        self.schedule(node, iteration)

    def begin_iteration(self, loop_ref: str, iteration: int) -> None:
        """Note that a loop starts `iteration` now (see `fresh_iterations`)."""
        self.fresh_iterations.add((loop_ref, iteration))

    def _in_fresh_iteration(self, node: Node, iteration: int) -> bool:
        return iteration > 0 and (self.defn.loop_of(node.ref), iteration) in self.fresh_iterations


def _finished_for_good(task: TaskState) -> bool:
    """Terminal, and not about to be retried (a failure counts once it has been processed)."""
    return task.is_terminal and (task.status.is_successful or task.processed) and not task.retried


def dynamic_node(raw: Mapping[str, Any]) -> Node:
    return Node(
        ref=str(raw.get("taskReferenceName")),
        name=str(raw.get("name") or raw.get("taskReferenceName")),
        type=str(raw.get("type") or "SIMPLE"),
        raw=raw,
    )


def task_doc(task: TaskState, workflow_id: str, types: TaskTypes) -> dict[str, Any]:
    """The document `${ref....}` expressions see for a task."""
    return {
        "input": task.input,
        "output": task.output,
        "taskType": wire_task_type(types, task.task_type, task.def_name),
        "status": task.status.value,
        "referenceTaskName": task.ref,
        "retryCount": task.retry_count,
        "pollCount": task.poll_count,
        "taskDefName": task.def_name,
        "scheduledTime": to_ms(task.scheduled_time),
        "startTime": to_ms(task.start_time),
        "endTime": to_ms(task.end_time),
        "workflowInstanceId": workflow_id,
        "taskId": task.task_id,
        "reasonForIncompletion": task.reason,
        "callbackAfterSeconds": task.callback_after_seconds,
        "workerId": task.worker_id,
        "iteration": task.iteration,
    }


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0
