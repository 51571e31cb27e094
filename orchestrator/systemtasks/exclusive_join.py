"""EXCLUSIVE_JOIN: after mutually exclusive paths, continue with whichever one ran."""

from __future__ import annotations

from dataclasses import replace

from orchestrator.engine.definition import Node
from orchestrator.engine.model import TaskState
from orchestrator.engine.run import runtime_ref
from orchestrator.engine.status import TaskStatus
from orchestrator.engine.tasktype import RunOps, TaskType


class ExclusiveJoin(TaskType):
    type_name = "EXCLUSIVE_JOIN"
    is_container = True
    waits_on_others = True

    def start(self, run: RunOps, task: TaskState, node: Node) -> TaskState:
        task = run.put(replace(task, status=TaskStatus.IN_PROGRESS, start_time=run.now))
        return self.check(run, task, node)

    def check(self, run: RunOps, task: TaskState, node: Node) -> TaskState:
        for key in ("joinOn", "defaultExclusiveJoinTask"):
            refs = [runtime_ref(ref, task.iteration) for ref in node.get(key) or []]
            found = run.latest_many(refs)
            for ref in refs:
                joined = found.get(ref)
                if joined is None or not joined.is_terminal:
                    continue
                if not joined.status.is_successful and not joined.processed:
                    return task  # its failure may still be retried
                status = TaskStatus.COMPLETED if joined.status.is_successful else TaskStatus.FAILED
                return run.finish(task, status, dict(joined.output), reason=joined.reason)
        return task
