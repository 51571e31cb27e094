"""/api/scheduler: Conductor's scheduler API, as conductor-python's SchedulerClient calls it.

Every endpoint needs the ADMIN role. Per-schedule pause and resume answer PUT (Conductor OSS)
and GET (Orkes; the SDK falls back to GET on a 405), so both are mapped.
"""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.response import Response

from orchestrator.services import schedule_fires, schedules

from .auth import principal_name
from .base import ApiView, ok
from .parsing import integer, text


class Schedules(ApiView):
    def get(self, request: Request) -> Response:
        rows = schedules.all_schedules(text(request.query_params, "workflowName"))
        return ok([schedules.schedule_json(r) for r in rows])

    def post(self, request: Request) -> Response:
        schedules.check_save(request.data, principal_name(request))
        return ok(None)


class ScheduleDetail(ApiView):
    def get(self, request: Request, name: str) -> Response:
        return ok(schedules.schedule_json(schedules.get(name)))

    def delete(self, request: Request, name: str) -> Response:
        schedules.delete(name)
        return ok(None)


class PauseSchedule(ApiView):
    def put(self, request: Request, name: str) -> Response:
        schedules.pause(name, text(request.query_params, "reason"), principal_name(request))
        return ok(None)

    get = put


class ResumeSchedule(ApiView):
    def put(self, request: Request, name: str) -> Response:
        schedules.resume(name, principal_name(request))
        return ok(None)

    get = put


class PauseAll(ApiView):
    def get(self, request: Request) -> Response:
        schedules.pause_all(principal_name(request))
        return ok({})


class ResumeAll(ApiView):
    def get(self, request: Request) -> Response:
        schedules.resume_all(principal_name(request))
        return ok({})


class Requeue(ApiView):
    def get(self, request: Request) -> Response:
        return ok({"fired": schedule_fires.requeue_all()})


class NextFewSchedules(ApiView):
    def get(self, request: Request) -> Response:
        params = request.query_params
        cron = text(params, "cronExpression")
        times = schedule_fires.next_few(
            cron or "", integer(params, "scheduleStartTime", low=0), integer(params, "scheduleEndTime", low=0),
            integer(params, "limit", low=1, high=100), text(params, "zoneId"))
        return ok(times)


class SearchExecutions(ApiView):
    def get(self, request: Request) -> Response:
        params = request.query_params
        return ok(schedule_fires.search(
            text(params, "query"), text(params, "freeText"), text(params, "sort"),
            integer(params, "start", 0, low=0) or 0, integer(params, "size", 100, low=0, high=1000) or 0))


class ScheduleTags(ApiView):
    def get(self, request: Request, name: str) -> Response:
        return ok(schedules.get_tags(name))

    def put(self, request: Request, name: str) -> Response:
        schedules.set_tags(name, schedules.parse_tags(request.data, many=True))
        return ok(None)

    def delete(self, request: Request, name: str) -> Response:
        schedules.delete_tags(name, schedules.parse_tags(request.data, many=True))
        return ok(None)
