"""EVENT: publish the task input to a sink; Baton's sink is `conductor[:<queue>]`, the event log."""

from __future__ import annotations

from typing import Any

from orchestrator.engine.problems import Problem, named_param
from orchestrator.engine.status import TaskStatus

from .async_types import AsyncSystemTask
from .ports import Effect, Job, Port

_SINK = named_param("WF.E051", "sink", "the event target, e.g. 'conductor' or 'sqs:queue-name'")


class Event(AsyncSystemTask):
    type_name = "EVENT"

    def validate(self, task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
        return _SINK(task, path, ref)

    def execute(self, job: Job, port: Port) -> Effect:
        wf, task = job.workflow, job.task
        sink = str(job.node.get("sink") or "")
        kind, _, queue = sink.partition(":")
        if kind != "conductor":
            reason = f"Unsupported event sink {sink!r}: Baton publishes to 'conductor' or 'conductor:<queue>'"
            return Effect(TaskStatus.FAILED, {"error": reason}, reason)
        payload = {**task.input, "workflowInstanceId": wf.workflow_id, "workflowType": wf.name,
                   "workflowVersion": wf.version, "correlationId": wf.correlation_id}
        queue_name = queue or f"{wf.name}:{task.ref}"
        port.publish_event(wf, sink, queue_name, payload)
        status = TaskStatus.IN_PROGRESS if job.node.get("asyncComplete") else TaskStatus.COMPLETED
        return Effect(status, {**payload, "event_produced": queue_name})
