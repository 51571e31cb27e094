"""An in-memory execution for engine tests: applies outcomes the way the store does, no database.

`Execution` plays the roles the services play around `evaluate()`: it keeps every task row,
hands the evaluator only the open ones (pending, or finished but not yet processed), applies
each `Outcome`, and simulates workers (poll, report). It asserts the store's invariants on
every outcome: no task id is created twice and no (ref, iteration, retry_count) repeats.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from orchestrator.engine import definition as definitions
from orchestrator.engine import operations
from orchestrator.engine.env import Env
from orchestrator.engine.evaluator import evaluate
from orchestrator.engine.model import Outcome, TaskDefinition, TaskHistory, TaskState, WorkflowState
from orchestrator.engine.operations import Plan
from orchestrator.engine.results import TaskResult, apply_result
from orchestrator.engine.schemas import NO_SCHEMAS, SchemaCheck
from orchestrator.engine.status import TERMINAL_TASK_STATUSES, TaskStatus, WorkflowStatus
from orchestrator.systemtasks import registry
from orchestrator.wiring import engine_env

T0 = datetime(2026, 1, 1, tzinfo=UTC)


class MemoryHistory:
    """`TaskHistory` over the execution's rows; counts lookups so tests can bound them."""

    def __init__(self, run: Execution) -> None:
        self.run = run
        self.calls = 0
        self.refs: list[str] = []
        self.children_counts = 0  # count_finished_children calls (the JOIN's cheap check)
        self._cached: tuple[dict[str, TaskState], dict[str, TaskState]] | None = None

    def _index(self) -> tuple[dict[str, TaskState], dict[str, TaskState]]:
        """Newest row per runtime ref and per node ref (rows do not change during an evaluation)."""
        if self._cached is not None:
            return self._cached
        by_ref: dict[str, TaskState] = {}
        by_node: dict[str, TaskState] = {}
        for t in self.run.tasks:
            if t.ref not in by_ref or by_ref[t.ref].seq < t.seq:
                by_ref[t.ref] = t
            if t.node_ref not in by_node or by_node[t.node_ref].seq < t.seq:
                by_node[t.node_ref] = t
        self._cached = (by_ref, by_node)
        return self._cached

    def latest(self, ref: str) -> TaskState | None:
        self.calls += 1
        self.refs.append(ref)
        by_ref, by_node = self._index()
        return by_ref.get(ref) or by_node.get(ref)

    def count_unfinished(self, refs: Sequence[str]) -> int:
        self.calls += 1
        pending = 0
        for ref in set(refs):
            task = self.latest(ref)
            self.calls -= 1
            done = task is not None and task.is_terminal and not task.retried and (
                task.status.is_successful or task.processed)
            pending += 0 if done else 1
        return pending

    def count_finished_children(self, parent_ref: str, iteration: int, excluding: Sequence[str]) -> int:
        self.calls += 1
        self.children_counts += 1
        skip = set(excluding)
        return sum(1 for t in self.run.tasks if t.dynamic_parent == parent_ref and t.iteration == iteration
                   and not t.retried and t.ref not in skip and t.is_terminal
                   and (t.status.is_successful or t.processed))

    def latest_many(self, refs: Sequence[str]) -> Mapping[str, TaskState]:
        self.calls += 1
        self.refs.extend(refs)
        by_ref, by_node = self._index()
        found = {}
        for ref in refs:
            task = by_ref.get(ref) or by_node.get(ref)
            if task is not None:
                found[ref] = task
        return found


def task_def(doc: TaskDefinition | Mapping[str, Any]) -> TaskDefinition:
    """A TaskDefinition from a Conductor TaskDef JSON document (camelCase, Conductor defaults)."""
    if isinstance(doc, TaskDefinition):
        return doc
    fields = {
        "retryCount": "retry_count", "retryLogic": "retry_logic", "retryDelaySeconds": "retry_delay_seconds",
        "backoffScaleFactor": "backoff_scale_factor", "maxRetryDelaySeconds": "max_retry_delay_seconds",
        "backoffJitterMs": "backoff_jitter_ms", "timeoutSeconds": "timeout_seconds",
        "timeoutPolicy": "timeout_policy", "responseTimeoutSeconds": "response_timeout_seconds",
        "pollTimeoutSeconds": "poll_timeout_seconds", "inputTemplate": "input_template",
    }
    unknown = set(doc) - set(fields) - {"name"}
    assert not unknown, f"harness does not map TaskDef fields {sorted(unknown)}"
    return TaskDefinition(name=str(doc["name"]), **{fields[k]: v for k, v in doc.items() if k in fields})


class Execution:
    """A workflow driven through `evaluate` by hand."""

    def __init__(self, doc: dict[str, Any], wf_input: dict[str, Any] | None = None,
                 task_defs: Mapping[str, TaskDefinition | Mapping[str, Any]] | None = None,
                 variables: dict | None = None, status: WorkflowStatus = WorkflowStatus.RUNNING,
                 start: bool = True, schemas: SchemaCheck = NO_SCHEMAS) -> None:
        self.defn = definitions.parse(doc, registry.REGISTRY)
        self.schemas = schemas  # the JSON Schema registry (none: an enforced schema fails closed)
        self.now = T0
        self.counter = 0
        self.task_defs = {name: task_def(d) for name, d in (task_defs or {}).items()}
        self.tasks: list[TaskState] = []
        self.outcomes: list[Outcome] = []
        self.lookups: list[int] = []  # history lookups per decide
        self.open_counts: list[int] = []  # open tasks handed to each decide
        self.wf = WorkflowState(
            workflow_id="wf-1", name=doc.get("name", "wf"), version=1, status=status,
            create_time=self.now, input=wf_input or {}, variables=variables or dict(doc.get("variables") or {}),
        )
        self.failed_refs: list[str] = []
        self.failed_task_names: list[str] = []
        self.next_wakeup: datetime | None = None
        if start:
            self.decide()

    # -- driving ---------------------------------------------------------------------------
    def new_id(self) -> str:
        self.counter += 1
        return f"t{self.counter}"

    def env(self, history: TaskHistory) -> Env:
        return engine_env(self.now, self.new_id, history, self.task_defs.get, schemas=self.schemas)

    def open_tasks(self) -> list[TaskState]:
        """What the store hands the evaluator: rows not both terminal and processed."""
        return [t for t in self.tasks if not (t.processed and t.status in TERMINAL_TASK_STATUSES)]

    def state(self) -> WorkflowState:
        return replace(self.wf, tasks=self.open_tasks())

    def evaluate(self) -> tuple[Outcome, MemoryHistory]:
        """One evaluation of the current state, without applying it."""
        history = MemoryHistory(self)
        state = self.state()
        self.open_counts.append(len(state.tasks))
        outcome = evaluate(self.defn, state, self.env(history))
        return outcome, history

    def decide(self) -> Outcome:
        outcome, history = self.evaluate()
        self.lookups.append(history.calls)
        self.apply(outcome)
        return outcome

    def apply(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)
        by_id = {t.task_id: i for i, t in enumerate(self.tasks)}
        for task in outcome.changed:
            self.tasks[by_id[task.task_id]] = task
        for task in outcome.created:
            assert task.task_id not in by_id, f"task id {task.task_id} created twice"
            self.tasks.append(task)
        keys = [(t.ref, t.iteration, t.retry_count) for t in self.tasks]
        assert len(keys) == len(set(keys)), f"duplicate task attempts: {keys}"
        patch = outcome.workflow
        changes: dict[str, Any] = {"seq": outcome.seq}
        if patch is not None:
            if patch.status is not None:
                changes.update(status=patch.status, output=patch.output or {}, reason=patch.reason)
            if patch.variables is not None:
                changes["variables"] = patch.variables
            self.failed_refs += [r for r in patch.failed_refs if r not in self.failed_refs]
            self.failed_task_names += [n for n in patch.failed_task_names if n not in self.failed_task_names]
        self.wf = replace(self.wf, **changes)
        self.next_wakeup = outcome.next_wakeup

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def pause(self) -> None:
        """What the pause service does: flip the status, decide nothing."""
        self.wf = replace(self.wf, status=WorkflowStatus.PAUSED)

    def resume(self) -> Outcome:
        """What the resume service does: RUNNING, restart the workflow timeout clock, decide."""
        self.wf = replace(self.wf, status=WorkflowStatus.RUNNING, last_retried_time=self.now)
        return self.decide()

    def apply_plan(self, plan: Plan) -> Outcome:
        """What services.operations does with a plan: rows deleted, written, created; decide."""
        gone = set(plan.delete)
        self.tasks = [t for t in self.tasks if t.task_id not in gone]
        for task in plan.write:
            self._put(task)
        ids = {t.task_id for t in self.tasks}
        for task in plan.create:
            assert task.task_id not in ids, f"task id {task.task_id} created twice"
            self.tasks.append(task)
        changes = dict(plan.workflow)
        if "failed_refs" in changes:
            self.failed_refs = list(changes.pop("failed_refs"))
        if "failed_task_names" in changes:
            self.failed_task_names = list(changes.pop("failed_task_names"))
        changes.pop("end_time", None)
        self.wf = replace(self.wf, **changes)
        return self.decide()

    def retry(self) -> Outcome:
        return self.apply_plan(operations.retry(self.defn, self.wf, list(self.tasks), self.now, self.new_id, types=registry.REGISTRY))

    def restart(self) -> Outcome:
        return self.apply_plan(operations.restart(self.defn, self.wf, list(self.tasks), self.now))

    def rerun(self, ref: str, task_input: dict[str, Any] | None = None) -> Outcome:
        """Rerun from the latest attempt of `ref`."""
        plan = operations.rerun_from(self.defn, self.wf, list(self.tasks), self.now, self.task(ref).task_id,
                                     task_input)
        return self.apply_plan(plan)

    def skip(self, ref: str, task_input: dict[str, Any] | None = None,
             task_output: dict[str, Any] | None = None) -> Outcome:
        refs = {t.ref for t in self.tasks}
        return self.apply_plan(operations.skip(self.defn, self.wf, refs, self.now, self.new_id, ref, task_input,
                                               task_output))

    def _put(self, task: TaskState) -> None:
        """Replace the row with this task's id (searching from the newest, where activity is)."""
        for i in range(len(self.tasks) - 1, -1, -1):
            if self.tasks[i].task_id == task.task_id:
                self.tasks[i] = task
                return
        raise AssertionError(f"no row {task.task_id}")

    # -- worker actions ----------------------------------------------------------------------
    def task(self, ref: str) -> TaskState:
        """The latest attempt of `ref`."""
        matches = [t for t in self.tasks if t.ref == ref]
        assert matches, f"no task {ref}; have {[t.ref for t in self.tasks]}"
        return max(matches, key=lambda t: t.seq)

    def attempts(self, ref: str) -> list[TaskState]:
        return sorted((t for t in self.tasks if t.ref == ref), key=lambda t: t.seq)

    def pollable(self, ref: str) -> bool:
        task = self.task(ref)
        return task.status == TaskStatus.SCHEDULED and (task.available_at is None or task.available_at <= self.now)

    def poll(self, ref: str, worker: str = "w1") -> TaskState:
        """What the poll service does: SCHEDULED and due → IN_PROGRESS, callback reset."""
        task = self.task(ref)
        assert task.status == TaskStatus.SCHEDULED, f"{ref} is {task.status}"
        assert task.available_at is None or task.available_at <= self.now, f"{ref} not pollable yet"
        assert registry.is_worker_type(task.task_type), f"{ref} ({task.task_type}) is not a worker task"
        polled = replace(task, status=TaskStatus.IN_PROGRESS, start_time=task.start_time or self.now,
                         update_time=self.now, poll_count=task.poll_count + 1, worker_id=worker,
                         callback_after_seconds=0)
        self._put(polled)
        return polled

    def claim(self, ref: str) -> TaskState:
        """What services.system_tasks does before running an async system task (HTTP, ...)."""
        task = self.task(ref)
        assert task.status == TaskStatus.SCHEDULED, f"{ref} is {task.status}"
        assert registry.get(task.task_type).is_async, f"{ref} ({task.task_type}) is not an async system task"
        claimed = replace(task, status=TaskStatus.IN_PROGRESS, start_time=self.now, update_time=self.now)
        self._put(claimed)
        return claimed

    def report(self, ref: str, status: str, output: dict | None = None, reason: str | None = None,
               callback: int = 0) -> Outcome:
        task = self.task(ref)
        if task.status == TaskStatus.SCHEDULED:
            task = self.claim(ref) if registry.get(task.task_type).is_async else self.poll(ref)
        result = TaskResult(status=TaskStatus(status), output=output, reason=reason, callback_after_seconds=callback)
        updated = apply_result(task, result, self.now, is_worker=registry.is_worker_type(task.task_type))
        assert updated is not None
        self._put(updated)
        return self.decide()

    def complete(self, ref: str, output: dict | None = None) -> Outcome:
        return self.report(ref, "COMPLETED", output or {})

    def fail(self, ref: str, reason: str = "boom", terminal: bool = False, output: dict | None = None) -> Outcome:
        return self.report(ref, "FAILED_WITH_TERMINAL_ERROR" if terminal else "FAILED", output or {}, reason)

    # -- views -------------------------------------------------------------------------------
    @property
    def status(self) -> str:
        return self.wf.status.value

    @property
    def last(self) -> Outcome:
        return self.outcomes[-1]

    def refs(self) -> list[str]:
        return [t.ref for t in sorted(self.tasks, key=lambda t: t.seq)]

    def statuses(self) -> dict[str, str]:
        """ref → status of its latest attempt."""
        out = {}
        for t in sorted(self.tasks, key=lambda t: t.seq):
            out[t.ref] = t.status.value
        return out

    def history(self) -> list[tuple[str, str]]:
        """Every row in creation order, as (ref, status)."""
        return [(t.ref, t.status.value) for t in sorted(self.tasks, key=lambda t: t.seq)]

    def scheduled(self) -> list[str]:
        return [t.ref for t in sorted(self.tasks, key=lambda t: t.seq) if t.status == TaskStatus.SCHEDULED]


def simple(ref: str, name: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"name": name or ref, "taskReferenceName": ref, "type": "SIMPLE", **extra}


def node(type_: str, ref: str, **extra: Any) -> dict[str, Any]:
    return {"name": ref, "taskReferenceName": ref, "type": type_, **extra}


def switch(ref: str, cases: dict[str, list[dict[str, Any]]], default: list[dict[str, Any]] | None = None,
           value: Any = "${workflow.input.case}") -> dict[str, Any]:
    """A value-param SWITCH the way the SDK emits it."""
    return node("SWITCH", ref, evaluatorType="value-param", expression="switchCaseValue",
                inputParameters={"switchCaseValue": value}, decisionCases=cases, defaultCase=default or [])


def fork(ref: str, *branches: list[dict[str, Any]]) -> dict[str, Any]:
    return node("FORK_JOIN", ref, forkTasks=list(branches))


def join(ref: str, *on: str) -> dict[str, Any]:
    return node("JOIN", ref, joinOn=list(on))


def workflow(*tasks: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": "wf", "version": 1, "schemaVersion": 2, "tasks": list(tasks), **extra}
