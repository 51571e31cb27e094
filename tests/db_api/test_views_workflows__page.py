"""/workflows/<name>/ (the grid of tasks × runs, success rate, p50/p95 by version, versions) and
/workflows/ (every definition over 24 h): figures from known rows, cells and their links, bad
parameters, escaping, the 404 page, roles.

Runs go through the real services (start, claim, report); only their times are then set to known
values, the test's way to get durations it can compute by hand.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from executions.models import Workflow
from executions.store import analytics_workflow, percentiles
from orchestrator.models import WorkflowDef
from orchestrator.services import definitions

from . import dashboards as d

pytestmark = [
    pytest.mark.db_tier, pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),  # WhiteNoise: no collectstatic here
]

HOSTILE_REF = '<img_src=x_onerror="alert(1)">'
NESTED = {"name": "dash_nested", "version": 1, "tasks": [
    {"name": "dash_a", "taskReferenceName": "a", "type": "SIMPLE"},
    {"name": "pick", "taskReferenceName": "pick", "type": "SWITCH", "evaluatorType": "value-param",
     "expression": "route", "inputParameters": {"route": "${workflow.input.route}"},
     "decisionCases": {"x": [{"name": "dash_b", "taskReferenceName": HOSTILE_REF, "type": "SIMPLE",
                             "taskDefinition": {"name": "dash_b", "retryCount": 0}}]},
     "defaultCase": []},
    {"name": "dash_c", "taskReferenceName": "c", "type": "SIMPLE"},
]}


def took(wf_id: str, seconds: float, hours_ago: float = 1) -> None:
    """Give a run a known start and duration."""
    start = timezone.now() - timedelta(hours=hours_ago)
    Workflow.objects.filter(id=wf_id).update(create_time=start, end_time=start + timedelta(seconds=seconds))


def finish(name: str = "dash_orders", charge: str = "COMPLETED") -> str:
    wf = d.start(name)
    d.work("dash_charge", charge)
    if charge == "COMPLETED":
        d.work("dash_ship")
    else:
        d.work("dash_charge", charge)  # the retry fails too: the run fails
    return wf


def test_success_rate_and_p50_p95_by_version_from_known_durations(staff: Client) -> None:
    ok = [finish() for _ in range(4)]
    for wf, seconds in zip(ok, (1, 2, 3, 4), strict=True):
        took(wf, seconds)
    bad = finish(charge="FAILED")
    took(bad, 10)
    old = finish()
    took(old, 100, hours_ago=24 * 8)  # outside the default 7-day window
    d.start()  # running: counted, not ended
    html = staff.get("/workflows/dash_orders/").content.decode()
    counts = html.split('data-testid="wf-counts"')[1].split("</section>")[0]
    assert 'data-testid="total">6<' in counts and 'data-status="COMPLETED"><span class="n">4<' in counts
    assert 'data-testid="success-rate">80.0%<' in counts  # 4 of the 5 that ended
    row = html.split('data-testid="wf-durations"')[1].split('data-version="1"')[1].split("</tr>")[0]
    # percentile_cont over 1, 2, 3, 4, 10 s: p50 = 3 s, p95 = 4 + 0.8 × 6 = 8.8 s
    assert "<td class=\"num\">5</td>" in row and 'data-ms="3000.0"' in row and 'data-ms="8800.0"' in row
    assert ">3.0 s<" in row and ">8.8 s<" in row
    # the count links into the run list with the name, the status and the window's start
    assert "/executions/?name=dash_orders&amp;status=FAILED&amp;from=" in counts


def test_the_database_and_the_fallback_agree_on_percentiles(staff: Client) -> None:
    for seconds in (0.5, 1.25, 7, 2, 30, 3):
        took(finish(), seconds)
    rows = Workflow.objects.filter(name="dash_orders", end_time__isnull=False)
    [sql] = percentiles.by_group(rows, "version", "create_time", "end_time", in_database=True)
    [py] = percentiles.by_group(rows, "version", "create_time", "end_time", in_database=False)
    assert sql.n == py.n == 6
    assert sql.p50_ms == pytest.approx(py.p50_ms) == pytest.approx(2500.0)
    assert sql.p95_ms == pytest.approx(py.p95_ms) == pytest.approx(7000 + 0.75 * 23000)  # rank 0.95 × 5 = 4.75


def test_grid_rows_in_definition_order_cells_and_their_links(staff: Client) -> None:
    definitions.save_workflow_def(NESTED, overwrite=True)
    first = d.start("dash_nested", {"route": "x"})
    d.work("dash_a")
    d.work("dash_b", "FAILED", reason="no")  # the run fails at the nested task
    second = d.start("dash_nested", {"route": "other"})
    d.work("dash_a")
    d.work("dash_c")
    response = staff.get("/workflows/dash_nested/")
    assert response.status_code == 200
    html = response.content.decode()
    grid = html.split('data-testid="wf-grid"')[1].split("</section>")[0]
    escaped_ref = "&lt;img_src=x_onerror=&quot;alert(1)&quot;&gt;"
    refs = [part.split('"')[0] for part in grid.split('<tr data-ref="')[1:]]
    assert refs == ["a", "pick", escaped_ref, "c"]
    assert HOSTILE_REF not in html
    nested_row = grid.split(f'data-ref="{escaped_ref}"')[1].split("</tr>")[0]
    assert "padding-left:22px" in nested_row  # one level inside the SWITCH
    # columns are oldest → newest: the first run failed at the nested task, the second skipped it
    cells = nested_row.split("<td>")[1:]
    assert 'data-status="FAILED"' in cells[0] and "not run" in cells[1]
    assert f'href="/executions/{first}?task=%3Cimg_src%3Dx_onerror%3D%22alert%281%29%22%3E"' in cells[0]
    c_row = grid.split('data-ref="c"')[1].split("</tr>")[0]
    assert f'href="/executions/{second}?task=c"' in c_row and 'data-status="COMPLETED"' in c_row
    # the run headers link to the runs, coloured by their status
    head = grid.split("<tbody>")[0]
    assert head.index(f'href="/executions/{first}"') < head.index(f'href="/executions/{second}"')
    assert "runbar st-FAILED" in head and "runbar st-COMPLETED" in head
    # a cell's link lands on the run page
    assert staff.get(f"/executions/{first}?task=a").status_code == 200


def test_a_retried_task_shows_its_newest_attempt(staff: Client) -> None:
    d.start()
    d.work("dash_charge", "FAILED", reason="once")  # retryCount 1: a second attempt is scheduled
    d.work("dash_charge", "COMPLETED")
    row = staff.get("/workflows/dash_orders/").content.decode().split('data-ref="charge"')[1].split("</tr>")[0]
    assert 'data-status="COMPLETED"' in row and "(2 attempts)" in row


def test_the_last_n_runs(staff: Client) -> None:
    ids = [d.start() for _ in range(4)]
    html = staff.get("/workflows/dash_orders/?runs=2").content.decode()
    head = html.split('data-testid="wf-grid"')[1].split("<tbody>")[0]
    assert head.count("runbar") == 2 and ids[3] in head and ids[2] in head and ids[0] not in head
    assert "the last 2 runs" in html


@pytest.mark.parametrize(("query", "field"), [
    ("runs=0", "runs"), ("runs=101", "runs"), ("runs=abc", "runs"), ("runs=-3", "runs"), ("window=1y", "window"),
])
def test_bad_parameters_are_a_400_naming_them(staff: Client, query: str, field: str) -> None:
    d.start()
    response = staff.get(f"/workflows/dash_orders/?{query}")
    assert response.status_code == 400
    assert f'data-field="{field}"' in response.content.decode()


def test_versions_link_to_the_editor_and_the_filtered_run_list(staff: Client) -> None:
    definitions.save_workflow_def({**d.DOC, "version": 2}, overwrite=True)
    d.start()
    versions = staff.get("/workflows/dash_orders/").content.decode().split('data-testid="wf-versions"')[1]
    versions = versions.split("</section>")[0]
    assert versions.index('data-version="2"') < versions.index('data-version="1"')
    assert 'href="/editor/dash_orders/?version=2"' in versions and 'href="/editor/dash_orders/?version=1"' in versions
    assert 'href="/executions/?name=dash_orders&amp;version=1"' in versions


def test_an_unknown_name_is_a_404_page_in_the_shell(staff: Client) -> None:
    response = staff.get("/workflows/nope_no_such/")
    html = response.content.decode()
    assert response.status_code == 404 and "No such workflow" in html and 'aria-label="Main"' in html


def test_a_hostile_workflow_name_is_text(staff: Client) -> None:
    # The name check came after some rows: a stored definition may carry any name.
    hostile = '<img src=x onerror="alert(1)">'
    WorkflowDef.objects.create(name=hostile, version=1, definition={**d.OTHER, "name": hostile})
    listing = staff.get("/workflows/").content.decode()
    assert hostile not in listing and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in listing
    href = "/workflows/%3Cimg%20src%3Dx%20onerror%3D%22alert%281%29%22%3E/"
    assert f'href="{href}"' in listing
    page = staff.get(href)
    assert page.status_code == 200 and hostile not in page.content.decode()


def test_the_list_of_every_definition_over_24_hours(staff: Client) -> None:
    finish()
    finish(charge="FAILED")
    aged = finish()
    Workflow.objects.filter(id=aged).update(create_time=timezone.now() - timedelta(hours=30))
    last = d.start()  # last: `work` claims whichever dash_charge task is first in the queue
    html = staff.get("/workflows/").content.decode()
    row = html.split('data-name="dash_orders"')[1].split("</tr>")[0]
    assert 'href="/workflows/dash_orders/"' in row and ">v1<" in row
    assert 'data-testid="runs">3<' in row  # the one started 30 h ago is outside
    assert "50.0%" in row and "(1 of 2 ended)" in row  # the running one has not ended
    assert f'href="/executions/{last}"' in row and "st-RUNNING" in row
    refunds = html.split('data-name="dash_refunds"')[1].split("</tr>")[0]
    assert 'data-testid="runs">0<' in refunds and "never run" in refunds


def test_names_on_the_run_list_and_overview_link_to_the_grid(staff: Client) -> None:
    d.start()
    assert 'href="/workflows/dash_orders/"' in staff.get("/executions/").content.decode()
    assert 'href="/workflows/dash_orders/"' in staff.get("/").content.decode()


def test_the_live_partial_and_the_nav(staff: Client) -> None:
    d.start()
    page = staff.get("/workflows/dash_orders/?runs=5").content.decode()
    assert 'data-parts-url="?runs=5&amp;window=7d&amp;partial=parts"' in page and "baton/parts.js" in page
    assert 'href="/workflows/"' in page and 'href="/metrics/"' in page
    part = staff.get("/workflows/dash_orders/?runs=5&window=7d&partial=parts").content.decode()
    assert "<html" not in part and 'data-testid="wf-grid"' in part


def test_task_rows_of_an_empty_or_missing_definition() -> None:
    assert analytics_workflow.task_rows(None) == []


def test_roles_anonymous_to_login_non_staff_403(client: Client) -> None:
    assert client.get("/workflows/").status_code == 302
    client.force_login(get_user_model().objects.create_user("pat", "p@example.com", "pw-pat-12345"))
    assert client.get("/workflows/").status_code == 403
    assert client.get("/workflows/dash_orders/").status_code == 403
