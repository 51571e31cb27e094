"""/executions/: filters in the URL, keyset paging, roles, and hostile text shown as text.

Executions are started by the real service and worked through the real task API; the page is
read through Django's test client with a staff session (on PostgreSQL, as production).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from executions.models import Workflow
from orchestrator.services import definitions, runtime
from orchestrator.services.commands import Decide

from . import dashboards as d

pytestmark = [
    pytest.mark.db_tier, pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),  # WhiteNoise: no collectstatic here
]

HOSTILE = '<img src=x onerror="alert(1)">'


def ids(response) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(r'<tr data-id="([^"]+)"', response.content.decode())


def test_filters_narrow_the_list(staff: Client) -> None:
    a = d.start(wf_input={"orderId": "A-1", "n": 5}, correlation_id="corr-a")
    b = d.start(wf_input={"orderId": "B-2", "customer": {"tier": "gold"}})
    c = d.start("dash_refunds", wf_input={"orderId": "C-3"})
    d.work("dash_refund", "FAILED_WITH_TERMINAL_ERROR", reason="card declined")

    assert set(ids(staff.get("/executions/"))) == {a, b, c}
    assert ids(staff.get("/executions/?status=FAILED")) == [c]
    assert set(ids(staff.get("/executions/?status=FAILED&status=RUNNING"))) == {a, b, c}
    assert set(ids(staff.get("/executions/?status=RUNNING"))) == {a, b}
    assert set(ids(staff.get("/executions/?name=dash_orders&version=1"))) == {a, b}
    assert ids(staff.get("/executions/?name=dash_orders&version=2")) == []
    assert ids(staff.get(f"/executions/?id={a[:12]}")) == [a]
    assert ids(staff.get("/executions/?correlation=corr-a")) == [a]
    assert ids(staff.get("/executions/?input=orderId=A-1")) == [a]
    assert ids(staff.get('/executions/?input=orderId="B-2"')) == [b]
    assert ids(staff.get("/executions/?input=n=5")) == [a]  # a number matches as a number
    assert ids(staff.get("/executions/?input=customer.tier=gold")) == [b]
    assert ids(staff.get("/executions/?input=orderId=A-1&input=n=6")) == []  # every key=value must hold
    assert ids(staff.get("/executions/?q=C-3")) == [c]
    assert ids(staff.get("/executions/?q=declined")) == [c]  # the reason is searched too
    assert set(ids(staff.get("/executions/?from=2000-01-01T00:00"))) == {a, b, c}
    assert ids(staff.get("/executions/?from=2999-01-01")) == []
    assert ids(staff.get("/executions/?to=2000-01-01")) == []
    page = staff.get("/executions/?status=FAILED").content.decode()
    assert 'value="FAILED" checked' in page and "card declined" in page
    assert f'href="/executions/{c}"' in page  # each row links to its run


@pytest.mark.parametrize(("query", "field"), [
    ("status=NOPE", "status"), ("version=two", "version"), ("from=yesterday", "from"), ("to=13/13/13", "to"),
    ("input=no-equals-sign", "input"), ("input=a__contains=x", "input"), ("sort=hot", "sort"),
    ("size=7", "size"), ("after=not-a-cursor", "after"),
])
def test_bad_filters_answer_400_naming_the_field(staff: Client, query: str, field: str) -> None:
    response = staff.get("/executions/?" + query)
    assert response.status_code == 400
    assert f'data-field="{field}"' in response.content.decode()


def test_keyset_pages_cover_every_run_once_even_while_runs_arrive(staff: Client) -> None:
    started = [d.start(wf_input={"i": i}) for i in range(30)]
    first = staff.get("/executions/?size=25")
    page1 = ids(first)
    assert page1 == list(reversed(started))[:25]
    next_url = re.search(r'href="([^"]+)" id="next-page"', first.content.decode()).group(1)  # type: ignore[union-attr]
    assert "OFFSET" not in next_url.upper()
    newer = d.start()  # a new run on top must not shift the next page
    page2 = ids(staff.get("/executions/" + next_url.replace("&amp;", "&")))
    assert page2 == list(reversed(started))[25:]
    assert newer not in page1 + page2
    # oldest first, and by name, page just as well
    asc = ids(staff.get("/executions/?sort=started&size=25"))
    assert asc == started[:25]
    rows = staff.get("/executions/?sort=-updated&size=200")
    assert len(ids(rows)) == 31


def test_the_rows_partial_is_the_same_filter(staff: Client) -> None:
    a = d.start("dash_refunds")
    d.start()
    response = staff.get("/executions/?name=dash_refunds&partial=rows")
    assert response.status_code == 200
    assert ids(response) == [a]
    assert "<html" not in response.content.decode()


def test_roles(client: Client) -> None:
    assert client.get("/executions/").status_code == 302
    client.force_login(get_user_model().objects.create_user("plain", password="pw-plain-12345"))
    assert client.get("/executions/").status_code == 403


def test_hostile_input_reason_and_filter_values_show_as_text(staff: Client) -> None:
    d.start("dash_refunds", wf_input={"note": HOSTILE}, correlation_id=HOSTILE)
    d.work("dash_refund", "FAILED_WITH_TERMINAL_ERROR", reason=HOSTILE)
    for url in ("/executions/", "/executions/?q=" + HOSTILE, "/executions/?name=" + HOSTILE + "&status=FAILED&q=x"):
        html = staff.get(url).content.decode()
        assert HOSTILE not in html
    html = staff.get("/executions/").content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_a_timed_out_run_is_found_by_its_status_and_as_a_failure(staff: Client) -> None:
    definitions.save_workflow_def({"name": "dash_slow", "version": 1, "timeoutSeconds": 60,
                                   "timeoutPolicy": "TIME_OUT_WF", "tasks": [
                                       {"name": "dash_slow_t", "taskReferenceName": "slow", "type": "SIMPLE"}]},
                                  overwrite=True)
    slow, other = d.start("dash_slow"), d.start()
    # the deadline passes: the run began two minutes ago, then the sweeper's Decide times it out
    Workflow.objects.filter(pk=slow).update(create_time=Workflow.objects.get(pk=slow).create_time - timedelta(minutes=2))
    runtime.execute(Decide(slow))
    assert Workflow.objects.get(pk=slow).status == "TIMED_OUT"
    assert ids(staff.get("/executions/?status=TIMED_OUT")) == [slow]
    assert set(ids(staff.get("/executions/?status=TIMED_OUT&status=RUNNING"))) == {slow, other}
    page = staff.get("/executions/?status=TIMED_OUT").content.decode()
    assert 'value="TIMED_OUT" checked' in page and "timed out after 60 seconds" in page
