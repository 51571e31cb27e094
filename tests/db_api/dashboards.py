"""Helpers of the dashboard tests: executions started and worked through the real services/API."""

from __future__ import annotations

from typing import Any

from orchestrator.engine.results import TaskResult
from orchestrator.engine.status import TaskStatus
from orchestrator.services import definitions, tasks, workflows

DOC = {"name": "dash_orders", "version": 1, "tasks": [
    {"name": "dash_charge", "taskReferenceName": "charge", "type": "SIMPLE",
     "taskDefinition": {"name": "dash_charge", "retryCount": 1, "retryDelaySeconds": 0}},
    {"name": "dash_ship", "taskReferenceName": "ship", "type": "SIMPLE"},
]}
OTHER = {"name": "dash_refunds", "version": 1, "tasks": [
    {"name": "dash_refund", "taskReferenceName": "refund", "type": "SIMPLE"},
]}


def register() -> None:
    definitions.save_workflow_def(DOC, overwrite=True)
    definitions.save_workflow_def(OTHER, overwrite=True)


def register_v2() -> None:
    """dash_orders version 2 (one more task), for restarts on the latest definition."""
    definitions.save_workflow_def({**DOC, "version": 2, "tasks": [*DOC["tasks"], {  # type: ignore[list-item]
        "name": "dash_mail", "taskReferenceName": "mail", "type": "SIMPLE"}]}, overwrite=True)


def start(name: str = "dash_orders", wf_input: dict[str, Any] | None = None, correlation_id: str | None = None) -> str:
    return workflows.start(workflows.StartRequest(name=name, input=wf_input or {}, correlation_id=correlation_id))


def work(task_type: str, status: str = "COMPLETED", reason: str = "", log: str = "",
         output: dict[str, Any] | None = None) -> str:
    """Claim one task of `task_type` as a worker's poll does and report `status` (with a log line)."""
    [task] = tasks.claim(task_type, "test-worker", 1)
    result = TaskResult(status=TaskStatus(status), output=output or {}, reason=reason or None)
    tasks.update(task.id, result, logs=[{"log": log}] if log else None)
    return task.id
