"""/api/workflow/{id}/restart|retry|rerun|skiptask and their bulk forms."""

from __future__ import annotations

import ast
import json
from typing import Any

from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response

from orchestrator.services import operations

from .base import ApiView, no_content, text_response
from .exceptions import BadRequest
from .parsing import flag, require_object
from .views_search import _bulk


class RestartWorkflow(ApiView):
    def post(self, request: Request, workflow_id: str) -> HttpResponse:
        operations.restart(workflow_id, flag(request.query_params, "useLatestDefinitions"))
        return no_content()


class RetryWorkflow(ApiView):
    def post(self, request: Request, workflow_id: str) -> HttpResponse:
        operations.retry(workflow_id, flag(request.query_params, "resumeSubworkflowTasks"))
        return no_content()


class RerunWorkflow(ApiView):
    def post(self, request: Request, workflow_id: str) -> HttpResponse:
        body = require_object(request.data, "The request body (a RerunWorkflowRequest)")
        for key in ("taskInput", "workflowInput"):
            if body.get(key) is not None and not isinstance(body[key], dict):
                raise BadRequest(f"{key} must be a JSON object")
        return text_response(operations.rerun(workflow_id, body))


def _skip_request(request: Request) -> dict[str, Any]:
    """The SDK sends SkipTaskRequest as a Python dict repr in the query string; accept JSON too."""
    raw = request.query_params.get("skipTaskRequest")
    if raw and raw not in ("None", "null"):
        for parse in (json.loads, ast.literal_eval):
            try:
                value = parse(raw)
            except (ValueError, SyntaxError):
                continue
            if isinstance(value, dict):
                return value
        raise BadRequest("skipTaskRequest must be a JSON object {taskInput, taskOutput}")
    body = request.data if isinstance(request.data, dict) else {}
    return body


class SkipTask(ApiView):
    def put(self, request: Request, workflow_id: str, ref: str) -> HttpResponse:
        req = _skip_request(request)
        task_input = req.get("taskInput") or req.get("task_input")
        task_output = req.get("taskOutput") or req.get("task_output")
        for name, value in (("taskInput", task_input), ("taskOutput", task_output)):
            if value is not None and not isinstance(value, dict):
                raise BadRequest(f"{name} must be a JSON object")
        operations.skip_task(workflow_id, ref, task_input, task_output)
        return no_content()


class BulkRestart(ApiView):
    def post(self, request: Request) -> Response:
        latest = flag(request.query_params, "useLatestDefinitions")
        return _bulk(request, lambda wid: operations.restart(wid, latest))


class BulkRetry(ApiView):
    def post(self, request: Request) -> Response:
        return _bulk(request, lambda wid: operations.retry(wid))
