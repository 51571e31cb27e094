"""SUB_WORKFLOW: start a child workflow and wait, IN_PROGRESS, for it to end.

The child's end comes back as this task's result (`services.system_tasks.notify_parent`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orchestrator.engine.definition import Node
from orchestrator.engine.model import TaskState
from orchestrator.engine.problems import Problem, is_text, join, required
from orchestrator.engine.status import TaskStatus
from orchestrator.engine.tasktype import RunView

from .async_types import AsyncSystemTask
from .ports import Effect, Job, Port, StartRefused, WorkflowStart, int_or_none, map_or_empty

MAX_SUB_WORKFLOW_DEPTH = 16


class SubWorkflow(AsyncSystemTask):
    """Input mirrors Conductor's: the child's name/version/definition and `workflowInput`."""

    type_name = "SUB_WORKFLOW"
    starts_child_workflow = True

    def validate(self, task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
        param = task.get("subWorkflowParam")
        p = join(path, "subWorkflowParam")
        if not isinstance(param, dict):
            return [required("WF.E040", p, "an object with name (or workflowDefinition)", ref, param)]
        inline = param.get("workflowDefinition")
        if is_text(param.get("name")) or isinstance(inline, dict) or is_text(inline):
            return []
        what = "the sub-workflow name (or subWorkflowParam.workflowDefinition)"
        return [required("WF.E040", join(p, "name"), what, ref, param.get("name"))]

    def build_input(self, run: RunView, node: Node, task: TaskState) -> dict[str, Any]:
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

    def execute(self, job: Job, port: Port) -> Effect:
        wf, task = job.workflow, job.task
        if port.sub_workflow_depth(wf.workflow_id) >= MAX_SUB_WORKFLOW_DEPTH:
            reason = f"Sub workflow depth limit of {MAX_SUB_WORKFLOW_DEPTH} reached"
            return Effect(TaskStatus.FAILED_WITH_TERMINAL_ERROR, {"subWorkflowLaunchError": reason}, reason)
        inputs = task.input
        definition = inputs.get("subWorkflowDefinition")
        definition = definition if isinstance(definition, dict) else None
        request = WorkflowStart(
            name=str(inputs.get("subWorkflowName") or (definition or {}).get("name") or ""),
            version=int_or_none(inputs.get("subWorkflowVersion")),
            input=map_or_empty(inputs.get("workflowInput")),
            correlation_id=wf.correlation_id,
            priority=wf.priority,
            task_to_domain=inputs.get("subWorkflowTaskToDomain") or wf.task_to_domain or {},
            workflow_def=definition,
            parent_workflow_id=wf.workflow_id,
            parent_workflow_task_id=task.task_id,
        )
        try:
            child_id = port.start_workflow(request)
        except StartRefused as exc:
            reason = f"Sub workflow could not start: {exc.message}"
            return Effect(TaskStatus.FAILED, {"subWorkflowLaunchError": exc.message}, reason)
        return Effect(TaskStatus.IN_PROGRESS, {"subWorkflowId": child_id}, sub_workflow_id=child_id)
