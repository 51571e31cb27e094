"""/ (the overview): counts per window, failures with their reason, running runs, queues with their
pollers, links into the run list, roles, escaping, and the live partial.

Executions go through the real services (start, claim, report); poll data through the real poll
path (tasks.claim records it in the cache). Pages through Django's test client on PostgreSQL.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from executions.models import Workflow
from orchestrator.services import tasks

from . import dashboards as d

pytestmark = [
    pytest.mark.db_tier, pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),  # WhiteNoise: no collectstatic here
]

HOSTILE = '<img src=x onerror="alert(1)">'


def age(wf_id: str, hours: float) -> None:
    """Move an execution's start back in time (the test's way to fill the older windows)."""
    Workflow.objects.filter(id=wf_id).update(create_time=timezone.now() - timedelta(hours=hours))


def count_of(html: str, status: str) -> int:
    part = html.split(f'data-status="{status}"><span class="n">')[1]
    return int(part.split("<")[0])


def test_counts_per_window_and_their_links_into_the_run_list(staff: Client) -> None:
    recent = d.start()
    d.work("dash_charge", "FAILED", reason="declined")  # retryCount 1: a retry is scheduled
    d.work("dash_charge", "FAILED", reason="declined again")  # the workflow fails
    assert Workflow.objects.get(id=recent).status == "FAILED"
    day_old = d.start()
    age(day_old, 5)
    week_old = d.start()
    age(week_old, 50)
    d.start()
    hour = staff.get("/?window=1h").content.decode()
    assert count_of(hour, "FAILED") == 1 and count_of(hour, "RUNNING") == 1
    day = staff.get("/?window=24h").content.decode()
    assert count_of(day, "RUNNING") == 2 and count_of(day, "FAILED") == 1
    week = staff.get("/?window=7d").content.decode()
    assert count_of(week, "RUNNING") == 3 and 'data-testid="total">4<' in week
    default = staff.get("/").content.decode()
    assert count_of(default, "RUNNING") == 2  # 24 h unless the URL says otherwise
    # each count links to the run list with that status from the window's start, and the list agrees
    href = hour.split('data-status="RUNNING"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    params = parse_qs(urlsplit(href).query)
    assert urlsplit(href).path == "/executions/" and params["status"] == ["RUNNING"] and "from" in params
    listed = staff.get(href).content.decode()
    assert listed.count("<tr data-id=") == 1 and f'data-id="{recent}"' not in listed


def test_a_bad_window_is_a_400_naming_the_field(staff: Client) -> None:
    response = staff.get("/?window=1y")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-field="window"' in html and "window: one of 1h, 24h, 7d" in html


def test_failures_show_their_reason_as_text_and_link_to_the_run(staff: Client) -> None:
    wf = d.start()
    d.work("dash_charge", "FAILED", reason="first")
    d.work("dash_charge", "FAILED", reason=HOSTILE)
    html = staff.get("/").content.decode()
    failures = html.split('data-testid="failures"')[1].split("</section>")[0]
    assert f'href="/executions/{wf}"' in failures and "charge" in failures  # the failed task ref
    assert HOSTILE not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in failures
    assert "/executions/?status=FAILED&amp;from=" in failures and "status=TIMED_OUT" in failures
    assert 'href="/executions/?status=FAILED&amp;name=dash_orders"' in failures


def test_running_count_and_rows(staff: Client) -> None:
    ids = [d.start() for _ in range(3)]
    d.start("dash_refunds")
    html = staff.get("/").content.decode()
    running = html.split('data-testid="running"')[1].split("</section>")[0]
    assert 'data-testid="running-count">4<' in running and 'href="/executions/?status=RUNNING"' in running
    assert all(f'href="/executions/{i}"' in running for i in ids) and "dash_refunds" in running
    assert 'href="/executions/?status=RUNNING&amp;name=dash_refunds"' in running


def test_queue_depth_and_the_workers_polling_it(staff: Client) -> None:
    queue = f"dash_q_{uuid.uuid4().hex[:8]}"
    doc = {"name": queue + "_wf", "version": 1, "tasks": [{"name": queue, "taskReferenceName": "a", "type": "SIMPLE"}]}
    from orchestrator.services import definitions, workflows

    definitions.save_workflow_def(doc, overwrite=True)
    for _ in range(3):
        workflows.start(workflows.StartRequest(name=doc["name"], input={}))
    [claimed] = tasks.claim(queue, "worker-<b>7</b>", 1)
    html = staff.get("/").content.decode()
    row = html.split(f'data-queue="{queue}"')[1].split("</tr>")[0]
    assert 'data-testid="depth">2<' in row and '<td class="num">1</td>' in row  # 2 waiting, 1 in progress
    assert "worker-&lt;b&gt;7&lt;/b&gt;" in row and " s ago" in row and "<b>7</b>" not in row
    # a registered task definition with no tasks and no poller still shows, empty
    definitions.save_task_defs([{"name": queue + "_idle"}])
    idle = staff.get("/").content.decode().split(f'data-queue="{queue}_idle"')[1].split("</tr>")[0]
    assert 'data-testid="depth">0<' in idle and "no worker has polled" in idle
    assert claimed.status == "IN_PROGRESS"


def test_the_live_partial_is_the_parts_only(staff: Client) -> None:
    d.start()
    response = staff.get("/?window=7d&partial=parts")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and 'data-testid="counts"' in html
    assert "last 7 days" in html
    page = staff.get("/?window=7d").content.decode()
    assert 'data-parts-url="?window=7d&amp;partial=parts"' in page and "baton/overview.js" in page


def test_roles_anonymous_to_login_non_staff_403(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response["Location"]
    client.force_login(get_user_model().objects.create_user("pat", "p@example.com", "pw-pat-12345"))
    assert client.get("/").status_code == 403
    assert client.get("/?partial=parts").status_code == 403
