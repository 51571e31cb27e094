"""An in-memory execution for engine tests: applies outcomes the way the store does, no database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from orchestrator.engine import definition as definitions
from orchestrator.engine.evaluator import evaluate
from orchestrator.engine.model import Outcome, TaskDefinition, TaskState, WorkflowState
from orchestrator.engine.results import TaskResult, apply_result
from orchestrator.engine.status import TaskStatus, WorkflowStatus
from orchestrator.systemtasks import registry

T0 = datetime(2026, 1, 1, tzinfo=UTC)


class MemoryHistory:
    def __init__(self, run: Execution) -> None:
        self.run = run

    def latest(self, ref: str) -> TaskState | None:
        exact = [t for t in self.run.tasks if t.ref == ref]
        if exact:
            return max(exact, key=lambda t: t.seq)
        by_node = [t for t in self.run.tasks if t.node_ref == ref]
        return max(by_node, key=lambda t: t.seq) if by_node else None

    def latest_many(self, refs: Sequence[str]) -> Mapping[str, TaskState]:
        found = {}
        for ref in refs:
            task = self.latest(ref)
            if task is not None:
                found[ref] = task
        return found


class Execution:
    """A workflow driven through `evaluate` by hand."""

    def __init__(self, doc: dict[str, Any], wf_input: dict[str, Any] | None = None,
                 task_defs: dict[str, TaskDefinition] | None = None, variables: dict | None = None) -> None:
        self.defn = definitions.parse(doc)
        self.now = T0
        self.counter = 0
        self.task_defs = task_defs or {}
        self.tasks: list[TaskState] = []
        self.outcomes: list[Outcome] = []
        self.wf = WorkflowState(
            workflow_id="wf-1", name=doc.get("name", "wf"), version=1, status=WorkflowStatus.RUNNING,
            create_time=self.now, input=wf_input or {}, variables=variables or dict(doc.get("variables") or {}),
        )
        self.failed_refs: list[str] = []
        self.decide()

    # -- driving ---------------------------------------------------------------------------
    def new_id(self) -> str:
        self.counter += 1
        return f"t{self.counter}"

    def open_tasks(self) -> list[TaskState]:
        return [t for t in self.tasks if not (t.status.is_terminal and t.processed)]

    def decide(self, pre: list[TaskState] | None = None) -> Outcome:
        state = replace(self.wf, tasks=self.open_tasks())
        outcome = evaluate(self.defn, state, self.now, self.new_id, MemoryHistory(self), self.task_defs.get)
        self.apply(outcome)
        return outcome

    def apply(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)
        by_id = {t.task_id: i for i, t in enumerate(self.tasks)}
        for task in outcome.changed:
            self.tasks[by_id[task.task_id]] = task
        for task in outcome.created:
            assert task.task_id not in by_id
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
        self.wf = replace(self.wf, **changes)
        self.next_wakeup = outcome.next_wakeup

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    # -- worker actions ----------------------------------------------------------------------
    def task(self, ref: str) -> TaskState:
        matches = [t for t in self.tasks if t.ref == ref]
        assert matches, f"no task {ref}; have {[t.ref for t in self.tasks]}"
        return max(matches, key=lambda t: t.seq)

    def poll(self, ref: str, worker: str = "w1") -> TaskState:
        task = self.task(ref)
        assert task.status == TaskStatus.SCHEDULED, f"{ref} is {task.status}"
        assert task.available_at is None or task.available_at <= self.now, f"{ref} not pollable yet"
        polled = replace(task, status=TaskStatus.IN_PROGRESS, start_time=task.start_time or self.now,
                         update_time=self.now, poll_count=task.poll_count + 1, worker_id=worker)
        self.tasks[self.tasks.index(task)] = polled
        return polled

    def report(self, ref: str, status: str, output: dict | None = None, reason: str | None = None,
               callback: int = 0) -> Outcome:
        task = self.task(ref)
        if task.status == TaskStatus.SCHEDULED:
            task = self.poll(ref)
        result = TaskResult(status=TaskStatus(status), output=output, reason=reason, callback_after_seconds=callback)
        updated = apply_result(task, result, self.now, is_worker=registry.is_worker_type(task.task_type))
        assert updated is not None
        self.tasks[self.tasks.index(task)] = updated
        return self.decide()

    def complete(self, ref: str, output: dict | None = None) -> Outcome:
        return self.report(ref, "COMPLETED", output or {})

    def fail(self, ref: str, reason: str = "boom", terminal: bool = False) -> Outcome:
        return self.report(ref, "FAILED_WITH_TERMINAL_ERROR" if terminal else "FAILED", {}, reason)

    # -- views -------------------------------------------------------------------------------
    @property
    def status(self) -> str:
        return self.wf.status.value

    def refs(self) -> list[str]:
        return [t.ref for t in sorted(self.tasks, key=lambda t: t.seq)]

    def statuses(self) -> dict[str, str]:
        out = {}
        for t in sorted(self.tasks, key=lambda t: t.seq):
            out[t.ref] = t.status.value
        return out

    def scheduled(self) -> list[str]:
        return [t.ref for t in sorted(self.tasks, key=lambda t: t.seq) if t.status == TaskStatus.SCHEDULED]


def simple(ref: str, name: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"name": name or ref, "taskReferenceName": ref, "type": "SIMPLE", **extra}


def workflow(*tasks: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": "wf", "version": 1, "schemaVersion": 2, "tasks": list(tasks), **extra}
