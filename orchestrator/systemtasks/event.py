"""EVENT: publish the task input as a message to a sink's broker queue.

Sinks: `conductor` / `conductor:<queue>` (Baton's own broker; the queue defaults to
`<workflow name>:<task ref>`, as Conductor names it) and `amqp:<queue>` (RabbitMQ). The task id is
the message id, so a re-run of the same task after a rollback is handled once by consumers.
"""

from __future__ import annotations

from typing import Any

from orchestrator.engine.problems import Problem, named_param
from orchestrator.engine.status import TaskStatus

from .async_types import AsyncSystemTask
from .ports import Effect, Job, Port, PublishFailed

SINKS = ("conductor", "amqp")  # what orchestrator.eventing.sinks connects to
_SINK = named_param("WF.E051", "sink", "the event target, e.g. 'conductor' or 'sqs:queue-name'")


class Event(AsyncSystemTask):
    type_name = "EVENT"

    def validate(self, task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
        return _SINK(task, path, ref)

    def execute(self, job: Job, port: Port) -> Effect:
        wf, task = job.workflow, job.task
        sink = str(job.node.get("sink") or "")
        kind, _, queue = sink.partition(":")
        if kind not in SINKS or (kind != "conductor" and not queue):
            reason = (f"Unsupported event sink {sink!r}: Baton publishes to 'conductor', 'conductor:<queue>' "
                      "or 'amqp:<queue>'")
            return Effect(TaskStatus.FAILED, {"error": reason}, reason)
        payload = {**task.input, "workflowInstanceId": wf.workflow_id, "workflowType": wf.name,
                   "workflowVersion": wf.version, "correlationId": wf.correlation_id}
        queue_name = queue or f"{wf.name}:{task.ref}"
        try:
            port.publish_event(wf, kind, queue_name, payload, message_id=task.task_id)
        except PublishFailed as exc:
            return Effect(TaskStatus.FAILED, {**payload, "error": exc.message}, exc.message)
        status = TaskStatus.IN_PROGRESS if job.node.get("asyncComplete") else TaskStatus.COMPLETED
        return Effect(status, {**payload, "event_produced": queue_name})
