"""What the side-effect half of an async system task gets, and what it gives back.

`execute(job, port)` runs in a Celery worker, after the decision that scheduled the task has
committed. Task types may not import the services or the store, so everything beyond the task
itself comes in through a `Port` the services implement (`services.system_tasks`): starting a
workflow, how deep in sub-workflows this one is, publishing an event, the HTTP policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from orchestrator.engine.definition import Node
from orchestrator.engine.model import JSON, TaskState
from orchestrator.engine.status import TaskStatus

from .http_call import HttpPolicy


@dataclass(frozen=True)
class WorkflowFacts:
    """The workflow an async task belongs to, as far as its effect needs to know."""

    workflow_id: str
    name: str
    version: int
    status: str
    correlation_id: str | None = None
    priority: int = 0
    task_to_domain: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Job:
    """One claimed (IN_PROGRESS) async task, with its definition node and its workflow."""

    task: TaskState
    node: Node
    workflow: WorkflowFacts


@dataclass(frozen=True)
class Effect:
    """The result to record for the task, through the same write path a worker's result takes."""

    status: TaskStatus
    output: Mapping[str, JSON]
    reason: str | None = None
    sub_workflow_id: str | None = None


@dataclass(frozen=True)
class WorkflowStart:
    """A workflow to start (a child of `parent_workflow_id` when that is set)."""

    name: str
    version: int | None = None
    input: Mapping[str, JSON] = field(default_factory=dict)
    correlation_id: str | None = None
    priority: int = 0
    task_to_domain: Mapping[str, str] = field(default_factory=dict)
    workflow_def: Mapping[str, JSON] | None = None
    parent_workflow_id: str | None = None
    parent_workflow_task_id: str | None = None


class StartRefused(Exception):
    """The workflow could not start (no such definition, bad input, ...); `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PublishFailed(Exception):
    """The event could not be handed to its broker; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Port(Protocol):
    def start_workflow(self, request: WorkflowStart) -> str:
        """Start it now, in a savepoint; its id. Raises StartRefused."""
        ...

    def sub_workflow_depth(self, workflow_id: str) -> int:
        """How many parents this workflow has (counted up to a little beyond any limit)."""
        ...

    def publish_event(self, workflow: WorkflowFacts, sink: str, queue: str, payload: Mapping[str, JSON],
                      message_id: str) -> None:
        """Publish the message to the sink's broker queue and note it in the workflow's event log.
        `message_id` identifies it to consumers (a repeat with the same id is handled once).
        Raises PublishFailed."""
        ...

    def http_policy(self) -> HttpPolicy: ...


def text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def map_or_empty(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}
