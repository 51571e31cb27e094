"""/api/workflow: start, inspect and control executions."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response

from orchestrator.services import shapes, workflows
from orchestrator.services.access import Principal
from orchestrator.services.errors import WorkflowDefNotFound
from orchestrator.services.runtime import decide

from .auth import principal_name
from .base import ApiView, async_api_view, no_content, ok, text_response
from .exceptions import BadRequest
from .parsing import flag, integer, loads, require_object, text


def _optional_str(doc: dict[str, Any], key: str) -> str | None:
    value = doc.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{key} must be a string")
    return value


def _int_field(doc: dict[str, Any], key: str, default: int | None) -> int | None:
    value = doc.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"{key} must be an integer, got {value!r}")
    return value


def start_request(doc: dict[str, Any], created_by: str) -> workflows.StartRequest:
    """Parse a StartWorkflowRequest body."""
    workflow_def = doc.get("workflowDef")
    if workflow_def is not None and not isinstance(workflow_def, dict):
        raise BadRequest("workflowDef must be a WorkflowDef object")
    name = doc.get("name") or (workflow_def or {}).get("name")
    if not isinstance(name, str) or not name:
        raise BadRequest("name is required (the workflow to start)")
    wf_input = doc.get("input")
    if wf_input is not None and not isinstance(wf_input, dict):
        raise BadRequest("input must be a JSON object")
    task_to_domain = doc.get("taskToDomain") or {}
    if not isinstance(task_to_domain, dict) or not all(isinstance(v, str) for v in task_to_domain.values()):
        raise BadRequest("taskToDomain must map task names to domain strings")
    return workflows.StartRequest(
        name=name,
        version=_int_field(doc, "version", None),
        input=wf_input or {},
        correlation_id=_optional_str(doc, "correlationId"),
        priority=_int_field(doc, "priority", 0) or 0,
        task_to_domain=task_to_domain,
        workflow_def=workflow_def,
        idempotency_key=_optional_str(doc, "idempotencyKey"),
        idempotency_strategy=_optional_str(doc, "idempotencyStrategy") or "FAIL",
        created_by=created_by,
    )


# Starting is the other hot call (bench P4/P6): an async view in the `async_api_view` frame, as
# the worker's result endpoints, so token callers skip the middleware chain (`fastpath`) and
# starts run in parallel request threads, not one at a time on Django's one sync thread.
@async_api_view("POST")
async def start_workflow(request: HttpRequest, principal: Principal | None) -> HttpResponse:
    """POST /workflow: a StartWorkflowRequest; answers the new workflow's id as text."""
    doc = require_object(loads(request.body), "The request body (a StartWorkflowRequest)")
    req = start_request(doc, principal.name if principal is not None else "")
    return text_response(await sync_to_async(workflows.start, thread_sensitive=False)(req))


class WorkflowByNameOrId(ApiView):
    """POST /workflow/{name} starts by name; GET/DELETE /workflow/{id} read and terminate."""

    def post(self, request: Request, key: str) -> HttpResponse:
        body = require_object(request.data, "The request body (the workflow input)")
        params = request.query_params
        req = workflows.StartRequest(
            name=key,
            version=integer(params, "version", low=1),
            input=body,
            correlation_id=text(params, "correlationId"),
            priority=integer(params, "priority", 0, low=0, high=99) or 0,
            created_by=principal_name(request),
        )
        try:
            return text_response(workflows.start(req))
        except WorkflowDefNotFound as exc:
            # Conductor starts by name through MetadataService, whose wording differs.
            raise WorkflowDefNotFound(exc.name, exc.version) from None

    def get(self, request: Request, key: str) -> Response:
        row = workflows.get(key)
        include_tasks = flag(request.query_params, "includeTasks", True)
        tasks = workflows.tasks_of(row.id) if include_tasks else None
        return ok(shapes.workflow_json(row, tasks))

    def delete(self, request: Request, key: str) -> HttpResponse:
        params = request.query_params
        workflows.terminate(key, text(params, "reason"), flag(params, "triggerFailureWorkflow"))
        return no_content()


class WorkflowStatusView(ApiView):
    def get(self, request: Request, workflow_id: str) -> Response:
        row = workflows.get(workflow_id)
        params = request.query_params
        return ok(shapes.workflow_status_json(row, flag(params, "includeOutput"), flag(params, "includeVariables")))


class PauseWorkflow(ApiView):
    def put(self, request: Request, workflow_id: str) -> HttpResponse:
        workflows.pause(workflow_id)
        return no_content()


class ResumeWorkflow(ApiView):
    def put(self, request: Request, workflow_id: str) -> HttpResponse:
        workflows.resume(workflow_id)
        return no_content()


class RemoveWorkflow(ApiView):
    def delete(self, request: Request, workflow_id: str) -> HttpResponse:
        workflows.remove(workflow_id)
        return no_content()


class DecideWorkflow(ApiView):
    def put(self, request: Request, workflow_id: str) -> HttpResponse:
        decide(workflow_id)
        return no_content()


class TestWorkflow(ApiView):
    """POST /workflow/test: run a definition with mocked task outputs; nothing is stored."""

    def post(self, request: Request) -> Response:
        from orchestrator.services import definitions, dry_run

        doc = require_object(request.data, "The request body (a WorkflowTestRequest)")
        definition = doc.get("workflowDef")
        if definition is None:
            name = doc.get("name")
            if not isinstance(name, str) or not name:
                raise BadRequest("name or workflowDef is required")
            definition = definitions.get_workflow_def(name, _int_field(doc, "version", None)).definition
        definition = definitions.require_valid_workflow_def(definition)
        wf_input = doc.get("input") or {}
        if not isinstance(wf_input, dict):
            raise BadRequest("input must be a JSON object")
        row, tasks = dry_run.run(definition, wf_input, doc.get("taskRefToMockOutput"))
        return ok(shapes.workflow_json(row, tasks))
