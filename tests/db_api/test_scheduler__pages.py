"""The /schedules/ pages through the real middleware: staff-only writes, CSRF, escaping, the preview."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from orchestrator.scheduler.models import Schedule, ScheduleFire
from orchestrator.services import definitions

pytestmark = [
    pytest.mark.db_tier,
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),  # WhiteNoise: no collectstatic here
]

DOC = {"name": "page_wf", "version": 1, "tasks": [{"name": "t", "taskReferenceName": "a"}]}


def login(staff: bool, csrf: bool = False) -> Client:
    name = f"{'staff' if staff else 'user'}{get_user_model().objects.count()}"
    user = get_user_model().objects.create_user(name, password="pw-123456", is_staff=staff)
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def form(**extra: Any) -> dict[str, Any]:
    return {"name": "hourly", "cron": "0 0 * * * ?", "zone": "Europe/Berlin", "workflow": "page_wf",
            "version": "1", "input": '{"x": 1}', "description": "<script>alert(1)</script>", **extra}


@pytest.fixture(autouse=True)
def workflow(db: None) -> None:
    definitions.save_workflow_def(DOC, overwrite=True)


def test_staff_creates_edits_and_sees_a_schedule_escaped() -> None:
    staff = login(True)
    response = staff.post("/schedules/new/", form())
    assert response.status_code == 302 and response["Location"] == "/schedules/hourly/"
    row = Schedule.objects.get(name="hourly")
    assert row.start_workflow_request == {"name": "page_wf", "version": 1, "input": {"x": 1}}
    page = staff.get("/schedules/").content.decode()
    assert "hourly" in page and "Every hour" in page and "<script>alert(1)</script>" not in page
    detail = staff.get("/schedules/hourly/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail and "No fires yet." in detail
    assert staff.post("/schedules/hourly/edit/", form(cron="0 */5 * * * ?")).status_code == 302
    assert Schedule.objects.get(name="hourly").cron_expression == "0 */5 * * * ?"


@pytest.mark.parametrize("change,words", [
    ({"cron": "0 0 * * *"}, "cronExpression"),
    ({"zone": "Nowhere/City"}, "zoneId"),
    ({"input": "{not json"}, "startWorkflowRequest.input"),
    ({"input": "[1, 2]"}, "startWorkflowRequest.input"),
    ({"workflow": ""}, "startWorkflowRequest.name"),
    ({"version": "two"}, "startWorkflowRequest.version"),
])
def test_bad_forms_come_back_400_with_the_field_named(change: dict[str, Any], words: str) -> None:
    response = login(True).post("/schedules/new/", form(**change))
    assert response.status_code == 400 and words in response.content.decode()
    assert not Schedule.objects.exists()


def test_writes_need_staff_and_a_csrf_token() -> None:
    assert login(False).post("/schedules/new/", form()).status_code == 403
    assert login(True, csrf=True).post("/schedules/new/", form()).status_code == 403  # no token
    assert not Schedule.objects.exists()
    login(True).post("/schedules/new/", form())
    for action in ("pause", "run", "delete"):
        assert login(False).post(f"/schedules/hourly/{action}/").status_code == 403
    assert Schedule.objects.filter(name="hourly", paused=False).exists()


def test_pause_resume_run_now_and_delete() -> None:
    staff = login(True)
    staff.post("/schedules/new/", form())
    staff.post("/schedules/hourly/pause/")
    assert Schedule.objects.get(name="hourly").paused
    staff.post("/schedules/hourly/resume/")
    assert not Schedule.objects.get(name="hourly").paused
    staff.post("/schedules/hourly/run/")
    fire = ScheduleFire.objects.get(schedule_name="hourly")
    assert fire.state == "EXECUTED" and fire.workflow_id
    assert fire.workflow_id in staff.get("/schedules/hourly/").content.decode()
    assert staff.post("/schedules/hourly/delete/")["Location"] == "/schedules/"
    assert not Schedule.objects.exists()


def test_preview_gives_ten_times_and_words_or_names_the_field() -> None:
    user = login(False)
    got = user.get("/schedules/preview/", {"cron": "0 0 9 ? * MON", "zone": "America/New_York"}).json()
    assert got["words"] == "At 09:00 AM, only on Monday" and len(got["times"]) == 10
    assert all(t.endswith("+00:00") for t in got["times"])
    bad = user.get("/schedules/preview/", {"cron": "0 0 9 ? * MON", "zone": "Bad/Zone"})
    assert bad.status_code == 400 and bad.json()["field"] == "zoneId"


def test_the_admin_lists_schedules_beside_their_beat_entry_and_pauses_them() -> None:
    login(True).post("/schedules/new/", form())
    row = Schedule.objects.get(name="hourly")
    staff = Client()
    staff.force_login(get_user_model().objects.create_superuser("root", "root@example.com", "pw-123456"))
    page = staff.get("/admin/scheduler/schedule/").content.decode()
    assert "hourly" in page and f"/admin/django_celery_beat/periodictask/{row.periodic_task_id}/change/" in page
    response = staff.post("/admin/scheduler/schedule/", {"action": "pause", "_selected_action": [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.paused and row.paused_reason == "paused in the admin" and not row.periodic_task.enabled  # type: ignore[union-attr]
