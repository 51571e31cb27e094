"""Bulk actions on a checkbox selection of the run list: the confirmation names the runs, the
action touches exactly those, each refusal is reported with its reason. Plain form posts, as a
browser without JavaScript sends them.
"""

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


def listed(html: str) -> list[str]:
    return re.findall(r'<tr data-id="([^"]+)"><td class="mono">', html)


def test_the_list_offers_a_checkbox_per_row_and_select_all_on_the_page(staff: Client) -> None:
    a, b = d.start(), d.start()
    html = staff.get("/executions/?status=RUNNING").content.decode()
    form = html[html.index('id="selection"'):html.index("</form>", html.index('id="selection"'))]
    assert 'name="scope" value="selection"' in form and 'name="filter" value="status=RUNNING"' in form
    assert 'name="page" value="all"' in form
    for run in (a, b):
        assert f'<input type="checkbox" name="ids" value="{run}"' in form
        assert f'<input type="hidden" name="shown" value="{run}">' in form
    assert '<option value="restart_latest">restart (latest definition)</option>' in form


def test_terminate_a_selection_confirms_which_runs_then_touches_exactly_those(staff: Client) -> None:
    a, b, bystander = d.start(), d.start(), d.start()
    confirm = staff.get("/executions/bulk", {"scope": "selection", "action": "terminate", "ids": [a, b],
                                             "filter": "status=RUNNING"})
    html = confirm.content.decode()
    assert confirm.status_code == 200 and "Terminate 2 executions?" in html
    assert sorted(listed(html)) == sorted([a, b]) and "dash_orders" in html and bystander not in html
    assert html.count('name="ids"') == 2 and 'name="scope" value="selection"' in html
    response = staff.post("/executions/bulk", {"scope": "selection", "action": "terminate", "ids": [a, b],
                                                "reason": "picked by hand", "filter": "status=RUNNING"})
    assert response.status_code == 303 and response["Location"] == "/executions/?status=RUNNING"
    page = staff.get(response["Location"]).content.decode()
    assert "Bulk terminate: done for 2 executions." in page
    rows = {w.id: (w.status, w.reason) for w in Workflow.objects.all()}
    assert rows[a] == rows[b] == ("TERMINATED", "picked by hand")
    assert rows[bystander][0] == "RUNNING"


def test_select_all_on_this_page_without_javascript_takes_the_shown_rows(staff: Client) -> None:
    shown = [d.start() for _ in range(3)]
    confirm = staff.get("/executions/bulk", {"scope": "selection", "action": "pause", "page": "all",
                                             "shown": shown, "ids": [shown[0]]}).content.decode()
    assert "Pause 3 executions?" in confirm and sorted(listed(confirm)) == sorted(shown)
    # unticked "all": only the ticked rows, whatever the page showed
    confirm = staff.get("/executions/bulk", {"scope": "selection", "action": "pause", "shown": shown,
                                             "ids": [shown[1]]}).content.decode()
    assert "Pause 1 execution?" in confirm and listed(confirm) == [shown[1]]


def test_each_refusal_is_reported_with_its_reason_and_the_others_are_done(staff: Client) -> None:
    running, paused = d.start(), d.start()
    staff.post(f"/executions/{paused}/action", {"action": "pause"})
    response = staff.post("/executions/bulk", {"scope": "selection", "action": "resume",
                                                "ids": [running, paused, "no-such-run"]}, follow=True)
    html = response.content.decode()
    assert "Bulk resume: done for 1 execution." in html and "2 refused:" in html
    assert re.search(rf"<li class=\"error\"[^>]*>{running}: [^<]+</li>", html)
    assert re.search(r"<li class=\"error\"[^>]*>no-such-run: [^<]+</li>", html)
    assert Workflow.objects.get(id=paused).status == "RUNNING"


def test_restart_a_selection_on_the_latest_definition(staff: Client) -> None:
    run = d.start()
    staff.post("/executions/bulk", {"scope": "selection", "action": "terminate", "ids": [run], "reason": "x"})
    d.register_v2()
    confirm = staff.get("/executions/bulk", {"scope": "selection", "action": "restart_latest", "ids": [run]})
    assert "Restart 1 execution on the latest definition?" in confirm.content.decode()
    staff.post("/executions/bulk", {"scope": "selection", "action": "restart_latest", "ids": [run]})
    row = Workflow.objects.get(id=run)
    assert (row.status, row.version) == ("RUNNING", 2)


def test_an_unknown_selected_id_is_shown_as_such_on_the_confirmation(staff: Client) -> None:
    html = staff.get("/executions/bulk", {"scope": "selection", "action": "pause", "ids": ["<b>nope</b>"]}
                     ).content.decode()
    assert "no such execution" in html and "<b>nope</b>" not in html and "&lt;b&gt;nope&lt;/b&gt;" in html


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_empty_selection_answers_400_naming_ids(staff: Client, method: str) -> None:
    response = getattr(staff, method)("/executions/bulk", {"scope": "selection", "action": "pause"})
    assert response.status_code == 400 and 'data-field="ids"' in response.content.decode()


def test_selection_bulk_needs_csrf_and_the_admin_role(django_user_model: type) -> None:
    d.register()
    wf = d.start()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(get_user_model().objects.create_superuser("boss", "b@example.com", "pw-boss-12345"))
    assert strict.post("/executions/bulk", {"scope": "selection", "action": "pause", "ids": [wf]}).status_code == 403
    plain = Client()
    plain.force_login(django_user_model.objects.create_user("plain", password="pw-plain-12345"))
    assert plain.post("/executions/bulk", {"scope": "selection", "action": "pause", "ids": [wf]}).status_code == 403
    assert Workflow.objects.get(id=wf).status == "RUNNING"
