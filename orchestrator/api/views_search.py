"""Search, correlation lookups, running lists and bulk operations."""

from __future__ import annotations

from collections.abc import Callable

from rest_framework.request import Request
from rest_framework.response import Response

from executions.models import Workflow
from orchestrator.services import search, shapes, workflows
from orchestrator.services.errors import ServiceError

from .base import ApiView, bulk_response, ok
from .exceptions import BadRequest
from .parsing import flag, integer, require_list, text


def _page_params(request: Request) -> tuple[int, int]:
    params = request.query_params
    return integer(params, "start", 0, low=0) or 0, integer(params, "size", 100, low=0, high=search.MAX_PAGE) or 0


class SearchWorkflows(ApiView):
    def get(self, request: Request) -> Response:
        start, size = _page_params(request)
        params = request.query_params
        total, rows = search.search_workflows(text(params, "query"), text(params, "freeText"), text(params, "sort"),
                                              start, size)
        return ok({"totalHits": total, "results": [shapes.workflow_summary_json(r) for r in rows]})


class SearchTasks(ApiView):
    def get(self, request: Request) -> Response:
        start, size = _page_params(request)
        params = request.query_params
        total, rows = search.search_tasks(text(params, "query"), text(params, "freeText"), text(params, "sort"),
                                          start, size)
        return ok({"totalHits": total, "results": [shapes.task_summary_json(r) for r in rows]})


def _correlated(name: str, correlation_ids: list[str], include_closed: bool, include_tasks: bool) -> dict:
    rows = Workflow.objects.select_related("snapshot").filter(name=name, correlation_id__in=correlation_ids)
    if not include_closed:
        rows = rows.filter(status__in=["RUNNING", "PAUSED"])
    out: dict[str, list] = {cid: [] for cid in correlation_ids}
    for row in rows.order_by("-create_time"):
        tasks = workflows.tasks_of(row.id) if include_tasks else None
        out[row.correlation_id or ""].append(shapes.workflow_json(row, tasks))
    return out


class Correlated(ApiView):
    def post(self, request: Request, name: str) -> Response:
        ids = require_list(request.data, "The request body (a list of correlation ids)")
        if not all(isinstance(i, str) for i in ids):
            raise BadRequest("correlation ids must be strings")
        params = request.query_params
        return ok(_correlated(name, ids, flag(params, "includeClosed"), flag(params, "includeTasks")))


class CorrelatedOne(ApiView):
    def get(self, request: Request, name: str, correlation_id: str) -> Response:
        params = request.query_params
        found = _correlated(name, [correlation_id], flag(params, "includeClosed"), flag(params, "includeTasks"))
        return ok(found[correlation_id])


class Running(ApiView):
    def get(self, request: Request, name: str) -> Response:
        rows = Workflow.objects.filter(name=name, status="RUNNING")
        version = integer(request.query_params, "version", low=1)
        if version is not None:
            rows = rows.filter(version=version)
        return ok(list(rows.order_by("create_time").values_list("id", flat=True)))


def _bulk(request: Request, action: Callable[[str], object]) -> Response:
    ids = require_list(request.data, "The request body (a list of workflow ids)")
    if len(ids) > 1000:
        raise BadRequest("At most 1000 workflow ids per bulk request")
    successes, errors = [], {}
    for workflow_id in ids:
        try:
            action(str(workflow_id))
            successes.append(str(workflow_id))
        except ServiceError as exc:
            errors[str(workflow_id)] = exc.message
    return bulk_response(successes, errors)


class BulkPause(ApiView):
    def put(self, request: Request) -> Response:
        return _bulk(request, workflows.pause)


class BulkResume(ApiView):
    def put(self, request: Request) -> Response:
        return _bulk(request, workflows.resume)


class BulkTerminate(ApiView):
    def post(self, request: Request) -> Response:
        params = request.query_params
        reason, trigger = text(params, "reason"), flag(params, "triggerFailureWorkflow")
        return _bulk(request, lambda wid: workflows.terminate(wid, reason, trigger))
