"""FORK_JOIN starts every branch at once; JOIN waits for the refs in `joinOn`.

The FORK task (runtime type `FORK`) completes immediately; its successors are the first task of
each branch plus the JOIN that follows it, which is created IN_PROGRESS and re-checked on every
evaluation until each joined task is done.
"""

from __future__ import annotations

from typing import Any

from orchestrator.engine.definition import BRANCH, Next, Node
from orchestrator.engine.model import TaskState
from orchestrator.engine.problems import Problem, is_text, join, must
from orchestrator.engine.run import runtime_ref
from orchestrator.engine.status import TaskStatus
from orchestrator.engine.tasktype import RunOps, RunView, TaskType


class ForkJoin(TaskType):
    type_name = "FORK_JOIN"
    nests = BRANCH
    wire_name = "FORK"
    is_container = True
    is_fork = True

    def validate(self, task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
        branches = task.get("forkTasks")
        p = join(path, "forkTasks")
        if not isinstance(branches, list) or not branches:
            return [must("WF.E030", p, "a non-empty list of branches (lists of tasks)", ref, branches)]
        return [
            must("WF.E030", join(p, i), "a non-empty list of tasks", ref, branch)
            for i, branch in enumerate(branches)
            if not isinstance(branch, list) or not branch
        ]

    def nested(self, task: dict[str, Any], path: str) -> list[tuple[Any, str]]:
        branches = task.get("forkTasks")
        if not isinstance(branches, list):
            return []
        return [(b, join(join(path, "forkTasks"), i)) for i, b in enumerate(branches)]

    def start(self, run: RunOps, task: TaskState, node: Node) -> TaskState:
        return run.finish(task, TaskStatus.COMPLETED, {})

    def successors(self, run: RunOps, task: TaskState, node: Node) -> list[Next]:
        firsts = [Next(node=branch[0]) for branch in run.defn.fork_branches(node) if branch]
        return firsts + [run.defn.next_after(node.ref)]


class Join(TaskType):
    type_name = "JOIN"
    is_container = True
    is_join = True
    waits_on_others = True

    def validate(self, task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
        join_on = task.get("joinOn")
        p = join(path, "joinOn")
        if join_on is None:
            return []
        if not isinstance(join_on, list):
            return [must("WF.E032", p, "a list of taskReferenceNames", ref, join_on)]
        return [
            must("WF.E032", join(p, i), "a taskReferenceName string", ref, item)
            for i, item in enumerate(join_on)
            if not is_text(item)
        ]

    def build_input(self, run: RunView, node: Node, task: TaskState) -> dict[str, Any]:
        from .dynamic_fork import forked_refs

        params = super().build_input(run, node, task)
        dynamic = forked_refs(run, node)
        if dynamic is not None:
            # After a dynamic fork the refs to wait for are only known now.
            params["joinOn"] = dynamic
        return params

    def start(self, run: RunOps, task: TaskState, node: Node) -> TaskState:
        from dataclasses import replace

        task = run.put(replace(task, status=TaskStatus.IN_PROGRESS, start_time=run.now))
        return self.check(run, task, node)

    def check(self, run: RunOps, task: TaskState, node: Node) -> TaskState:
        dynamic = task.input.get("joinOn")
        if isinstance(dynamic, list):
            from .dynamic_fork import fork_before

            refs = [runtime_ref(str(ref), task.iteration) for ref in dynamic]
            # Cheap count first: a fork of a thousand branches must not read every branch on
            # each completion; the full read happens once, when everything has finished. The
            # branches are counted by their fork (every dynamic task records it), so the
            # count's cost does not grow with the number of branches.
            fork = fork_before(run, node)
            if run.count_unfinished(refs, (fork.ref, task.iteration) if fork is not None else None) > 0:
                return task
        else:
            refs = [runtime_ref(ref, task.iteration) for ref in node.get("joinOn") or []]
        found = run.latest_many(refs)
        joined: dict[str, TaskState] = {}
        for ref in refs:
            resolved, joined_task = _resolve(run, ref, found.get(ref))
            if joined_task is None:
                return task
            joined[resolved] = joined_task
        # A failed task that has not been processed yet may still be retried: wait for it.
        if any(not t.is_terminal or (not t.status.is_successful and not t.processed) for t in joined.values()):
            return task
        output: dict[str, Any] = {ref: dict(t.output) for ref, t in joined.items() if t.output}
        statuses = {t.status for t in joined.values()}
        if all(s.is_successful for s in statuses):
            status = (
                TaskStatus.COMPLETED_WITH_ERRORS
                if TaskStatus.COMPLETED_WITH_ERRORS in statuses
                else TaskStatus.COMPLETED
            )
            return run.finish(task, status, output)
        failed = [t for t in joined.values() if not t.status.is_successful]
        status = (
            TaskStatus.CANCELED
            if all(t.status == TaskStatus.CANCELED for t in failed)
            else TaskStatus.FAILED
        )
        reason = "; ".join(f"{t.ref}: {t.reason or t.status.value}" for t in failed)
        return run.finish(task, status, output, reason=reason)


def _resolve(run: RunView, ref: str, task: TaskState | None) -> tuple[str, TaskState | None]:
    """The task a `joinOn` ref stands for, as Conductor's Join.resolveTaskReference finds it.

    A finished SWITCH/DECISION stands for the last task of the case it took (recursively), so the
    JOIN waits for that case to end rather than completing as soon as the SWITCH does. The JOIN's
    output is keyed by the resolved ref, as in Conductor.
    """
    while task is not None and task.is_terminal:
        last = run.types.get(task.task_type).terminal_node(run, task, run.node_of(task))
        if last is None:
            break
        ref = runtime_ref(last.ref, task.iteration)
        task = run.latest(ref)
    return ref, task
