"""/api/scheduler through the real middleware on PostgreSQL: shapes, beat entries, bad input → 400 naming the field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django_celery_beat.models import PeriodicTask

from orchestrator.models import ApiApplication
from orchestrator.services import access, definitions

pytestmark = [
    pytest.mark.db_tier,
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),  # WhiteNoise: no collectstatic here
]

DOC = {"name": "api_sched_wf", "version": 1, "tasks": [{"name": "t", "taskReferenceName": "a"}]}


@pytest.fixture()
def api(db: None) -> Client:
    definitions.save_workflow_def(DOC, overwrite=True)
    app, secret = access.create_application("sched-tests", ApiApplication.ROLE_ADMIN)
    token = access.issue_token(app.key_id, secret)
    return Client(HTTP_X_AUTHORIZATION=token)


def body(**extra: Any) -> dict[str, Any]:
    return {"name": "nightly", "cronExpression": "0 0 2 * * ?", "zoneId": "Europe/Berlin",
            "startWorkflowRequest": {"name": "api_sched_wf", "version": 1, "input": {"a": 1}}, **extra}


def send(api: Client, method: str, path: str, data: Any = None) -> Any:
    kwargs: dict[str, Any] = {"content_type": "application/json"}
    if data is not None:
        kwargs["data"] = json.dumps(data)
    return getattr(api, method)("/api/scheduler" + path, **kwargs)


def test_save_read_list_and_delete_with_the_beat_entry(api: Client) -> None:
    assert send(api, "post", "/schedules", body(description="d", paused=True, pausedReason="x")).status_code == 200
    got = send(api, "get", "/schedules/nightly").json()
    assert {k: got[k] for k in ("name", "cronExpression", "zoneId", "paused", "description", "createdBy")} == {
        "name": "nightly", "cronExpression": "0 0 2 * * ?", "zoneId": "Europe/Berlin", "paused": True,
        "description": "d", "createdBy": "sched-tests"}
    assert got["startWorkflowRequest"] == {"name": "api_sched_wf", "version": 1, "input": {"a": 1}}
    assert isinstance(got["createTime"], int) and got["tags"] == []
    entry = PeriodicTask.objects.get(baton_schedule__name="nightly")
    assert (entry.task, entry.enabled, entry.crontab is not None, entry.interval) == (
        "orchestrator.scheduler.fire_schedule", False, True, None)
    # A seconds-granular expression wakes every second instead.
    send(api, "post", "/schedules", body(cronExpression="*/2 * * * * ?"))
    entry.refresh_from_db()
    assert (entry.enabled, entry.crontab, entry.interval.every) == (True, None, 1)  # type: ignore[union-attr]
    assert [s["name"] for s in send(api, "get", "/schedules?workflowName=api_sched_wf").json()] == ["nightly"]
    assert send(api, "get", "/schedules?workflowName=other").json() == []
    assert send(api, "delete", "/schedules/nightly").status_code == 200
    assert not PeriodicTask.objects.filter(pk=entry.pk).exists()
    assert send(api, "get", "/schedules/nightly").status_code == 404


def test_pause_resume_one_and_all_by_put_and_get(api: Client) -> None:
    send(api, "post", "/schedules", body())
    send(api, "post", "/schedules", body(name="second"))
    assert send(api, "put", "/schedules/nightly/pause?reason=deploy").status_code == 200
    got = send(api, "get", "/schedules/nightly").json()
    assert (got["paused"], got["pausedReason"]) == (True, "deploy")
    assert send(api, "get", "/schedules/nightly/resume").status_code == 200
    assert send(api, "get", "/schedules/nightly").json()["paused"] is False
    assert send(api, "get", "/admin/pause").json() == {}
    assert all(s["paused"] for s in send(api, "get", "/schedules").json())
    assert not PeriodicTask.objects.filter(enabled=True, task="orchestrator.scheduler.fire_schedule").exists()
    send(api, "get", "/admin/resume")
    assert not any(s["paused"] for s in send(api, "get", "/schedules").json())


def test_tags_put_get_delete(api: Client) -> None:
    send(api, "post", "/schedules", body())
    tags = [{"key": "env", "value": "prod"}, {"key": "team", "value": "ops"}]
    assert send(api, "put", "/schedules/nightly/tags", tags).status_code == 200
    assert send(api, "get", "/schedules/nightly/tags").json() == [
        {"key": "env", "type": "METADATA", "value": "prod"}, {"key": "team", "type": "METADATA", "value": "ops"}]
    assert send(api, "delete", "/schedules/nightly/tags", [{"key": "env", "value": "prod"}]).status_code == 200
    assert [t["key"] for t in send(api, "get", "/schedules/nightly").json()["tags"]] == ["team"]


def test_next_few_schedules(api: Client) -> None:
    start = 1_777_888_800_000  # 2026-05-04T10:00:00Z
    got = send(api, "get", f"/nextFewSchedules?cronExpression=0+0+*+*+*+%3F&scheduleStartTime={start}&limit=3")
    assert got.json() == [start, start + 3_600_000, start + 7_200_000]
    capped = send(api, "get", f"/nextFewSchedules?cronExpression=0+0+*+*+*+%3F&scheduleStartTime={start}"
                              f"&scheduleEndTime={start + 3_600_000}&limit=10")
    assert capped.json() == [start, start + 3_600_000]


@pytest.mark.parametrize("change,field", [
    ({"cronExpression": "0 0 * * *"}, "cronExpression"),
    ({"cronExpression": "0 0 25 * * ?"}, "cronExpression"),
    ({"cronExpression": None}, "cronExpression"),
    ({"zoneId": "Mars/Olympus"}, "zoneId"),
    ({"name": ""}, "name"),
    ({"name": "a/b"}, "name"),
    ({"startWorkflowRequest": None}, "startWorkflowRequest"),
    ({"startWorkflowRequest": {"version": 1}}, "startWorkflowRequest.name"),
    ({"startWorkflowRequest": {"name": "no_such_wf"}}, "startWorkflowRequest.name"),
    ({"startWorkflowRequest": {"name": "api_sched_wf", "input": [1]}}, "startWorkflowRequest.input"),
    ({"startWorkflowRequest": {"name": "api_sched_wf", "version": "x"}}, "startWorkflowRequest.version"),
    ({"scheduleStartTime": "soon"}, "scheduleStartTime"),
    ({"scheduleStartTime": 2000, "scheduleEndTime": 1000}, "scheduleEndTime"),
    ({"paused": "yes"}, "paused"),
    ({"runCatchupScheduleInstances": 1}, "runCatchupScheduleInstances"),
])
def test_bad_save_requests_are_400_naming_the_field(api: Client, change: dict[str, Any], field: str) -> None:
    response = send(api, "post", "/schedules", body(**change))
    assert response.status_code == 400, response.content
    assert field in response.json()["message"]
    assert send(api, "get", "/schedules").json() == []


@pytest.mark.parametrize("path,field", [
    ("/nextFewSchedules?cronExpression=bad", "cronExpression"),
    ("/nextFewSchedules", "cronExpression"),
    ("/nextFewSchedules?cronExpression=0+0+*+*+*+%3F&limit=0", "limit"),
    ("/search/executions?query=nonsense", "query"),
    ("/search/executions?sort=color:UP", "sort"),
    ("/search/executions?size=-1", "size"),
])
def test_bad_queries_are_400_naming_the_parameter(api: Client, path: str, field: str) -> None:
    response = send(api, "get", path)
    assert response.status_code == 400 and field in response.json()["message"]


def test_bad_tag_bodies_are_400(api: Client) -> None:
    send(api, "post", "/schedules", body())
    response = send(api, "put", "/schedules/nightly/tags", [{"value": "no key"}])
    assert response.status_code == 400 and "key" in response.json()["message"]
    assert send(api, "put", "/schedules/missing/tags", [{"key": "a", "value": "b"}]).status_code == 404
