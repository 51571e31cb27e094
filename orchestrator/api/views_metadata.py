"""/api/metadata: workflow and task definitions."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from orchestrator.models import TaskDef, WorkflowDef
from orchestrator.services import definitions, shapes, tags

from .auth import principal_name
from .base import ApiView, bulk_response, ok
from .parsing import flag, integer, require_list, require_object


class WorkflowDefs(ApiView):
    def get(self, request: Request) -> Response:
        rows = WorkflowDef.objects.order_by("name", "version")
        return ok([shapes.workflow_def_json(r) for r in rows])

    def post(self, request: Request) -> Response:
        doc = require_object(request.data, "The request body (a WorkflowDef)")
        overwrite = flag(request.query_params, "overwrite", False)
        definitions.save_workflow_def(doc, overwrite=overwrite, user=principal_name(request))
        return ok(None)

    def put(self, request: Request) -> Response:
        docs = require_list(request.data, "The request body (a list of WorkflowDef)")
        overwrite = flag(request.query_params, "overwrite", True)
        saved = definitions.save_workflow_defs(docs, overwrite=overwrite, user=principal_name(request))
        return bulk_response([row.name for row in saved], {})


class WorkflowDefDetail(ApiView):
    def get(self, request: Request, name: str) -> Response:
        version = integer(request.query_params, "version", low=1)
        return ok(shapes.workflow_def_json(definitions.get_workflow_def(name, version)))


class WorkflowDefVersion(ApiView):
    def delete(self, request: Request, name: str, version: int) -> Response:
        definitions.delete_workflow_def(name, version)
        return ok(None)


class ValidateWorkflowDef(ApiView):
    def post(self, request: Request) -> Response:
        problems = definitions.validate_workflow_def(request.data)
        if any(p.is_error for p in problems):
            raise definitions.ValidationFailed("Workflow definition", problems)
        # Warnings (a FORK with no JOIN at the end) do not make it invalid; the editor shows them.
        return ok({"valid": True, "errors": [], "warnings": [p.as_dict() for p in problems]})


class NamesAndVersions(ApiView):
    def get(self, request: Request) -> Response:
        out: dict[str, list[dict[str, Any]]] = {}
        for name, version, created in WorkflowDef.objects.values_list("name", "version", "created"):
            out.setdefault(name, []).append({"name": name, "version": version, "createTime": shapes._ms(created)})
        return ok(out)


class TaskDefs(ApiView):
    def get(self, request: Request) -> Response:
        return ok([shapes.task_def_json(r) for r in TaskDef.objects.order_by("name")])

    def post(self, request: Request) -> Response:
        docs = request.data if isinstance(request.data, list) else [request.data]
        definitions.save_task_defs(docs, user=principal_name(request))
        return ok(None)

    def put(self, request: Request) -> Response:
        doc = require_object(request.data, "The request body (a TaskDef)")
        definitions.save_task_defs([doc], user=principal_name(request), must_exist=True)
        return ok(None)


class TaskDefDetail(ApiView):
    def get(self, request: Request, name: str) -> Response:
        return ok(shapes.task_def_json(definitions.get_task_def(name)))

    def delete(self, request: Request, name: str) -> Response:
        definitions.delete_task_def(name)
        return ok(None)


class _DefinitionTags(ApiView):
    """GET lists, PUT replaces (a list), POST adds (one tag or a list), DELETE removes the given tags."""

    target: str

    def get(self, request: Request, name: str) -> Response:
        return ok([t.as_json() for t in tags.get_tags(self.target, name)])

    def put(self, request: Request, name: str) -> Response:
        tags.set_tags(self.target, name, tags.parse_tags(request.data, many=True))
        return ok(None)

    def post(self, request: Request, name: str) -> Response:
        tags.add_tags(self.target, name, tags.parse_tags(request.data, many=True))
        return ok(None)

    def delete(self, request: Request, name: str) -> Response:
        tags.remove_tags(self.target, name, tags.parse_tags(request.data, many=True))
        return ok(None)


class WorkflowDefTags(_DefinitionTags):
    target = tags.Target.WORKFLOW


class TaskDefTags(_DefinitionTags):
    target = tags.Target.TASK
