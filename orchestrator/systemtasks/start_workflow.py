"""START_WORKFLOW: start another workflow, fire and forget; the task completes with its id."""

from __future__ import annotations

from typing import Any

from orchestrator.engine.problems import Problem, inputs_of, is_dynamic, is_text, join, required
from orchestrator.engine.status import TaskStatus

from .async_types import AsyncSystemTask
from .ports import Effect, Job, Port, StartRefused, WorkflowStart, int_or_none, map_or_empty, text_or_none


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

    def execute(self, job: Job, port: Port) -> Effect:
        spec = job.task.input.get("startWorkflow")
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            reason = "startWorkflow must be an object with a workflow name"
            return Effect(TaskStatus.FAILED, {"error": reason}, reason)
        definition = spec.get("workflowDefinition")
        request = WorkflowStart(
            name=spec["name"],
            version=int_or_none(spec.get("version")),
            input=map_or_empty(spec.get("input")),
            correlation_id=text_or_none(spec.get("correlationId")),
            task_to_domain=map_or_empty(spec.get("taskToDomain")),
            workflow_def=definition if isinstance(definition, dict) else None,
        )
        try:
            started = port.start_workflow(request)
        except StartRefused as exc:
            return Effect(TaskStatus.FAILED, {"error": exc.message}, exc.message)
        return Effect(TaskStatus.COMPLETED, {"workflowId": started})
