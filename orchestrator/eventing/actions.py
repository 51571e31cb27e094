"""The actions of an event handler, each through the runtime's one write path.

Semantics follow Conductor's SimpleActionProcessor: `${...}` in the action's parameters is
resolved over the message payload (the engine's resolver, with each top-level payload key a
document: `${order.id}`), the started workflow's input and the completed task's output carry
`conductor.event.messageId` and `conductor.event.name`. Where Conductor answers "no task
found" with an `error` key in a COMPLETED execution, Baton raises ActionFailed: the message is
dead-lettered, so a complete_task that did nothing is visible as such.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from orchestrator.engine.expressions import DictScope, resolve, resolve_map
from orchestrator.engine.results import TaskResult
from orchestrator.engine.status import TaskStatus
from orchestrator.services import tasks, workflows
from orchestrator.services.errors import ServiceError


class ActionFailed(Exception):
    """The action could not be done; `message` says why (goes into the dead-letter record)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Message:
    """One message as the actions see it: where it came from and its (decoded) payload."""

    event: str  # "<sink>:<queue>"
    message_id: str
    payload: Any
    handler_name: str = ""


def run(action: dict[str, Any], message: Message) -> dict[str, Any]:
    """Do one action for a message; its output (what the EventExecution records).

    Runs inside the caller's transaction (a savepoint per action). Raises ActionFailed.
    """
    payload = expand_inline_json(message.payload) if action.get("expandInlineJSON") else message.payload
    scope = DictScope(payload if isinstance(payload, dict) else {})
    kind = action.get("action")
    try:
        if kind == "start_workflow":
            return _start_workflow(action.get("start_workflow") or {}, scope, message)
        if kind == "complete_task":
            return _finish_task(action.get("complete_task") or {}, scope, message, TaskStatus.COMPLETED)
        if kind == "fail_task":
            return _finish_task(action.get("fail_task") or {}, scope, message, TaskStatus.FAILED)
    except ServiceError as exc:
        if exc.status_code >= 500:
            raise  # transient (the database is away): not a dead letter, the message comes back
        raise ActionFailed(exc.message) from exc
    raise ActionFailed(f"Action not supported {kind} for event {message.event}")


def _start_workflow(params: dict[str, Any], scope: DictScope, message: Message) -> dict[str, Any]:
    wf_input = resolve_map(params.get("input") or {}, scope)
    wf_input["conductor.event.messageId"] = message.message_id
    wf_input["conductor.event.name"] = message.event
    correlation = params.get("correlationId")
    if isinstance(correlation, str):
        resolved = resolve(correlation, scope)
        correlation = None if resolved is None else str(resolved)
    request = workflows.StartRequest(
        name=params["name"], version=params.get("version"), input=wf_input, correlation_id=correlation,
        task_to_domain=dict(params.get("taskToDomain") or {}), created_by=f"event handler {message.handler_name}",
    )
    return {"workflowId": workflows.start(request)}


def _finish_task(params: dict[str, Any], scope: DictScope, message: Message, status: TaskStatus) -> dict[str, Any]:
    fields = {"workflowId": params.get("workflowId"), "taskId": params.get("taskId"),
              "taskRefName": params.get("taskRefName"), **(params.get("output") or {})}
    replaced = resolve_map(fields, scope)
    task_id, workflow_id, ref = replaced.get("taskId"), replaced.get("workflowId"), replaced.get("taskRefName")
    if not task_id:
        if not workflow_id or not ref:
            raise ActionFailed(f"No task found with taskId: {task_id}, reference name: {ref}, "
                               f"workflowId: {workflow_id}")
        # The newest attempt/iteration of the reference, as Conductor picks a loop-over task.
        task_id = tasks.pending_by_ref(str(workflow_id), str(ref))
    output = {**replaced, "conductor.event.messageId": message.message_id, "conductor.event.name": message.event}
    reason = f"failed by event {message.event} (message {message.message_id})" if status == TaskStatus.FAILED else None
    done = tasks.update(str(task_id), TaskResult(status=status, output=output, reason=reason))
    return {**replaced, "taskId": done.task_id, "status": done.status.value}


def expand_inline_json(value: Any) -> Any:
    """Conductor's JsonUtils.expand: string values holding a JSON object or array become that value."""
    if isinstance(value, dict):
        return {k: expand_inline_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [expand_inline_json(v) for v in value]
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return expand_inline_json(json.loads(value))
        except ValueError:
            return value
    return value
