"""/executions/: the filters over tags, failed tasks and task queues, their 400s, the overview's
queue link into the list, and the live rows partial under those filters.

Runs are started and worked through the real services (a worker's claim and update), tags set
through the tag service, the pages read through Django's test client with a staff session.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from orchestrator.engine.results import TaskResult
from orchestrator.engine.status import TaskStatus
from orchestrator.services import tags, tasks
from orchestrator.services.tags import Tag, Target

from . import dashboards as d

pytestmark = [
    pytest.mark.db_tier, pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),  # WhiteNoise: no collectstatic here
]


def ids(response) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(r'<tr data-id="([^"]+)"', response.content.decode())


def test_tags_of_the_definition_filter_its_runs_and_every_tag_must_hold(staff: Client) -> None:
    tags.add_tags(Target.WORKFLOW, "dash_orders", [Tag("team", "payments"), Tag("tier", 1), Tag("beta", True)])
    tags.add_tags(Target.WORKFLOW, "dash_refunds", [Tag("team", "support")])
    orders = {d.start(), d.start()}
    refund = d.start("dash_refunds")
    assert set(ids(staff.get("/executions/?tag=team:payments"))) == orders
    assert ids(staff.get("/executions/?tag=team:support")) == [refund]
    assert set(ids(staff.get("/executions/?tag=team"))) == orders | {refund}  # a key alone: any value
    assert set(ids(staff.get("/executions/?tag=tier:1"))) == orders  # a number matches the number
    assert set(ids(staff.get("/executions/?tag=beta:true"))) == orders
    assert ids(staff.get("/executions/?tag=team:payments&tag=team:support")) == []  # both must hold
    assert set(ids(staff.get("/executions/?tag=team:payments&tag=tier:1"))) == orders
    assert ids(staff.get("/executions/?tag=team:PAYMENTS")) == []
    assert ids(staff.get("/executions/?tag=nope")) == []
    assert set(ids(staff.get("/executions/?tag=team:payments&status=RUNNING"))) == orders
    page = staff.get("/executions/?tag=team:payments").content.decode()
    assert 'name="tag" value="team:payments"' in page and 'name="tag" value=""' in page  # and one more to add


def test_failed_task_ref_and_reason_find_runs_with_such_a_task(staff: Client) -> None:
    retried = d.start()  # charge fails once and is retried: the run is still RUNNING
    d.work("dash_charge", "FAILED", reason="card declined by bank")
    ok = d.start()
    d.work("dash_charge", "COMPLETED")
    refund = d.start("dash_refunds")
    d.work("dash_refund", "FAILED_WITH_TERMINAL_ERROR", reason="refund window closed")

    assert ids(staff.get("/executions/?failed_ref=charge")) == [retried]
    assert ids(staff.get("/executions/?failed_ref=refund")) == [refund]
    assert ids(staff.get("/executions/?failed_ref=ship")) == []
    assert ids(staff.get("/executions/?reason=DECLINED")) == [retried]  # a substring, any case
    assert ids(staff.get("/executions/?failed_ref=refund&reason=window")) == [refund]
    assert ids(staff.get("/executions/?failed_ref=charge&reason=window")) == []  # the same task must match both
    assert ids(staff.get("/executions/?reason=window&status=FAILED")) == [refund]
    assert ids(staff.get("/executions/?reason=window&status=RUNNING")) == []
    assert ok not in ids(staff.get("/executions/?reason=e"))


def test_the_queue_filter_lists_runs_waiting_on_or_running_a_task_type(staff: Client) -> None:
    waiting = d.start()  # charge SCHEDULED
    running = d.start()
    d.start("dash_refunds")
    [task] = tasks.claim("dash_charge", "test-worker", 1)  # one charge IN_PROGRESS, one still SCHEDULED
    assert {task.workflow_id, waiting, running} == {waiting, running}
    assert set(ids(staff.get("/executions/?queue=dash_charge"))) == {waiting, running}
    tasks.update(task.id, TaskResult(status=TaskStatus.COMPLETED))  # that run waits on dash_ship now
    [still] = {waiting, running} - {task.workflow_id}
    assert ids(staff.get("/executions/?queue=dash_charge")) == [still]
    assert ids(staff.get("/executions/?queue=dash_ship")) == [task.workflow_id]
    assert ids(staff.get("/executions/?queue=nothing_here")) == []


def test_the_overviews_queue_rows_link_into_the_run_list(staff: Client) -> None:
    run = d.start()
    overview = staff.get("/").content.decode()
    link = re.search(r'<tr data-queue="dash_charge"><td class="mono"><a href="([^"]+)"', overview)
    assert link is not None, "the queue row links to the list"
    assert link.group(1) == "/executions/?queue=dash_charge"
    assert ids(staff.get(link.group(1))) == [run]


@pytest.mark.parametrize(("query", "field"), [
    ("tag=:x", "tag"), ("tag=" + "k" * 256 + ":v", "tag"), ("failed_ref=" + "r" * 256, "failed_ref"),
    ("reason=" + "x" * 256, "reason"), ("queue=" + "q" * 256, "queue"),
])
def test_bad_task_filters_answer_400_naming_the_field(staff: Client, query: str, field: str) -> None:
    response = staff.get("/executions/?" + query)
    assert response.status_code == 400
    assert f'data-field="{field}"' in response.content.decode()


def test_the_live_rows_partial_shows_a_new_matching_run_and_not_another(staff: Client) -> None:
    """What runlist.js re-reads when the dashboard doorbell rings: the page's URL + partial=rows."""
    tags.add_tags(Target.WORKFLOW, "dash_refunds", [Tag("team", "support")])
    before = d.start("dash_refunds")
    page = staff.get("/executions/?tag=team:support&failed_ref=refund").content.decode()
    rows_url = re.search(r'data-rows-url="([^"]+)"', page).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
    assert ids(staff.get("/executions/" + rows_url)) == []
    d.work("dash_refund", "FAILED_WITH_TERMINAL_ERROR", reason="no")
    fresh = d.start("dash_refunds")
    d.work("dash_refund", "FAILED_WITH_TERMINAL_ERROR", reason="no")
    other = d.start()  # neither tagged nor failed
    d.work("dash_charge", "FAILED", reason="no")
    rows = ids(staff.get("/executions/" + rows_url))
    assert rows == [fresh, before] and other not in rows


def test_hostile_tag_and_reason_filters_show_as_text(staff: Client) -> None:
    hostile = '<script>alert(1)</script>'
    html = staff.get("/executions/", {"tag": f"k:{hostile}", "reason": hostile, "queue": hostile,
                                      "failed_ref": hostile}).content.decode()
    assert hostile not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
