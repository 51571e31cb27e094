"""HTTP: call a URL and record the response (`http_call` does the request, with SSRF controls)."""

from __future__ import annotations

from typing import Any

from orchestrator.engine.problems import Problem, inputs_of, is_dynamic, is_text, join, required
from orchestrator.engine.status import TaskStatus

from . import http_call
from .async_types import AsyncSystemTask
from .ports import Effect, Job, Port


class Http(AsyncSystemTask):
    type_name = "HTTP"
    executes_outside_transaction = True

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

    def execute(self, job: Job, port: Port) -> Effect:
        task = job.task
        key = f"{task.task_id}:{task.retry_count}"
        outcome = http_call.execute(task.input, port.http_policy(), idempotency_key=key)
        status = TaskStatus(outcome.status)
        if status == TaskStatus.COMPLETED and job.node.get("asyncComplete"):
            status = TaskStatus.IN_PROGRESS
        return Effect(status=status, output=outcome.output, reason=outcome.reason)
