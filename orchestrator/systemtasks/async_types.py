"""System tasks whose work is a side effect, run by a Celery worker after the decision commits.

Their pure half only schedules them (SCHEDULED, no worker queue). `services.system_tasks`
claims each one, performs the effect (an HTTP call, starting a workflow, publishing an event)
and reports the result through the same write path a worker uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from orchestrator.engine.definition import Node
from orchestrator.engine.model import TaskState

from .base import TaskType

if TYPE_CHECKING:
    from orchestrator.engine.run import Run


class AsyncSystemTask(TaskType):
    is_async = True
    retriable = True


class Http(AsyncSystemTask):
    type_name = "HTTP"


class SubWorkflow(AsyncSystemTask):
    """Input mirrors Conductor's: the child's name/version/definition and `workflowInput`."""

    type_name = "SUB_WORKFLOW"

    def build_input(self, run: Run, node: Node, task: TaskState) -> dict[str, Any]:
        child_input = super().build_input(run, node, task)
        param = node.get("subWorkflowParam") or {}
        definition = run.resolve(param.get("workflowDefinition")) if isinstance(param, dict) else None
        return {
            **child_input,
            "subWorkflowName": param.get("name") if isinstance(param, dict) else None,
            "subWorkflowVersion": param.get("version") if isinstance(param, dict) else None,
            "subWorkflowTaskToDomain": param.get("taskToDomain") if isinstance(param, dict) else None,
            "subWorkflowDefinition": definition,
            "workflowInput": child_input,
        }

    def add_input(self, params: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
        # A forked child workflow gets the fork's entry for it as (part of) its input.
        return {**params, **extra, "workflowInput": {**(params.get("workflowInput") or {}), **extra}}


class StartWorkflow(AsyncSystemTask):
    type_name = "START_WORKFLOW"


class Event(AsyncSystemTask):
    type_name = "EVENT"
