"""Bulk actions on the run list's whole filter: the count first, then exactly those runs."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from executions.models import Workflow

from . import dashboards as d

pytestmark = [
    pytest.mark.db_tier, pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),  # WhiteNoise: no collectstatic here
]


def test_terminate_by_filter_counts_then_touches_exactly_those(staff: Client) -> None:
    targets = [d.start(wf_input={"batch": "b-7"}) for _ in range(3)]
    bystander = d.start(wf_input={"batch": "b-8"})
    page = staff.get("/executions/?input=batch%3Db-7").content.decode()
    bulk_filter = re.search(r'name="filter" value="([^"]*)"', page).group(1)  # type: ignore[union-attr]
    assert bulk_filter == "input=batch%3Db-7"
    confirm = staff.get("/executions/bulk", {"filter": bulk_filter, "action": "terminate"})
    html = confirm.content.decode()
    assert confirm.status_code == 200 and "Terminate 3 executions?" in html
    assert set(re.findall(r'<li><a href="/executions/([^"]+)"', html)) == set(targets)
    as_of = re.search(r'name="as_of" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    late = d.start(wf_input={"batch": "b-7"})  # started after the count: not touched
    response = staff.post("/executions/bulk", {"filter": bulk_filter, "action": "terminate", "as_of": as_of,
                                                "reason": "bad batch"}, follow=True)
    assert "Bulk terminate: done for 3 executions." in response.content.decode()
    rows = {w.id: (w.status, w.reason) for w in Workflow.objects.all()}
    assert all(rows[t] == ("TERMINATED", "bad batch") for t in targets)
    assert rows[bystander][0] == "RUNNING" and rows[late][0] == "RUNNING"


def test_refusals_are_reported_and_the_others_still_done(staff: Client) -> None:
    running = d.start()
    paused = d.start()
    staff.post(f"/executions/{paused}/action", {"action": "pause"})
    confirm = staff.get("/executions/bulk", {"filter": "name=dash_orders", "action": "resume"}).content.decode()
    as_of = re.search(r'name="as_of" value="([^"]+)"', confirm).group(1)  # type: ignore[union-attr]
    response = staff.post("/executions/bulk", {"filter": "name=dash_orders", "action": "resume", "as_of": as_of},
                          follow=True).content.decode()
    assert "Bulk resume: done for 1 execution." in response and "1 refused" in response
    assert Workflow.objects.get(id=paused).status == "RUNNING" and Workflow.objects.get(id=running).status == "RUNNING"


@pytest.mark.parametrize(("params", "field"), [
    ({"filter": "status=RUNNING"}, "action"), ({"filter": "status=NOPE", "action": "pause"}, "status"),
    ({"filter": "", "action": "delete"}, "action"),
])
def test_bad_bulk_requests_answer_400_naming_the_field(staff: Client, params: dict[str, str], field: str) -> None:
    response = staff.get("/executions/bulk", params)
    assert response.status_code == 400 and f'data-field="{field}"' in response.content.decode()
    response = staff.post("/executions/bulk", {**params, "as_of": "yesterday"})
    assert response.status_code == 400 and 'data-field="as_of"' in response.content.decode()


def test_bulk_needs_csrf_and_the_admin_role(django_user_model: type) -> None:
    d.register()
    wf = d.start()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(get_user_model().objects.create_superuser("boss", "b@example.com", "pw-boss-12345"))
    assert strict.post("/executions/bulk", {"filter": "", "action": "pause", "as_of": "2999-01-01T00:00:00+00:00"}
                       ).status_code == 403
    plain = Client()
    plain.force_login(django_user_model.objects.create_user("plain", password="pw-plain-12345"))
    assert plain.post("/executions/bulk", {"filter": "", "action": "pause", "as_of": "2999-01-01T00:00:00+00:00"}
                      ).status_code == 403
    assert Workflow.objects.get(id=wf).status == "RUNNING"
