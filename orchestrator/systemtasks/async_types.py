"""The base of system tasks whose work is a side effect, run by a Celery worker after commit.

Their pure half only schedules them (SCHEDULED, no worker queue). `services.system_tasks` claims
each one (IN_PROGRESS), calls its `execute(job, port)` and records the `Effect` through the same
write path a worker's result takes. The types: HTTP (`http_task`), SUB_WORKFLOW (`sub_workflow`),
START_WORKFLOW (`start_workflow`), EVENT (`event`).
"""

from __future__ import annotations

from typing import ClassVar

from orchestrator.engine.tasktype import TaskType

from .ports import Effect, Job, Port


class AsyncSystemTask(TaskType):
    is_async = True
    retriable = True
    # Run after the claim has committed and without the workflow lock (a slow HTTP call must not
    # hold it); otherwise inside the claim's transaction, under the lock.
    executes_outside_transaction: ClassVar[bool] = False

    def execute(self, job: Job, port: Port) -> Effect:
        """The side effect; never raises for a failure of the effect (that is a failed Effect)."""
        raise NotImplementedError(f"{self.type_name} has no side effect")
