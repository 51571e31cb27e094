"""System tasks whose work is a side effect, run by a Celery worker after the decision commits.

Their pure half only schedules them (SCHEDULED, no worker queue). `services.system_tasks`
claims each one, performs the effect (an HTTP call, starting a workflow, publishing an event)
and reports the result through the same write path a worker uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orchestrator.engine.definition import Node
from orchestrator.engine.model import TaskState
from orchestrator.engine.problems import Problem, inputs_of, is_dynamic, is_text, join, named_param, required
from orchestrator.engine.tasktype import RunView, TaskType


class AsyncSystemTask(TaskType):
    is_async = True
    retriable = True


class Http(AsyncSystemTask):
    type_name = "HTTP"

    def validate(self, task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
        inputs = inputs_of(task)
        request = inputs.get("http_request")
        p = join(join(path, "inputParameters"), "http_request")
        if is_text(inputs.get("uri")) or is_dynamic(request):
            return []
        if not isinstance(request, dict):
            return [required("WF.E047", p, "an object with uri (or inputParameters.uri)", ref, request)]
        uri = request.get("uri")
        return [] if is_text(uri) else [required("WF.E047", join(p, "uri"), "the URL to call", ref, uri)]


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


class StartWorkflow(AsyncSystemTask):
    type_name = "START_WORKFLOW"

    def validate(self, task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
        request = inputs_of(task).get("startWorkflow")
        p = join(join(path, "inputParameters"), "startWorkflow")
        if is_dynamic(request):
            return []
        if not isinstance(request, dict):
            return [required("WF.E041", p, "an object {name, version, input, ...}", ref, request)]
        name = request.get("name")
        return [] if is_text(name) else [required("WF.E041", join(p, "name"), "the workflow to start", ref, name)]


class Event(AsyncSystemTask):
    type_name = "EVENT"

    def validate(self, task: dict[str, Any], path: str, ref: str | None) -> list[Problem]:
        return _SINK(task, path, ref)


_SINK = named_param("WF.E051", "sink", "the event target, e.g. 'conductor' or 'sqs:queue-name'")
