"""/metrics/: per-bucket counts, failure rate, p50/p95 by workflow and task type, queue depth over
time, from known rows; the charts and tables; CSV/JSON downloads; bad parameters; escaping; roles.

Runs and tasks go through the real services (start, claim, report); only their times are then set
to known values, so every figure can be computed by hand.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from executions.models import Task, Workflow
from orchestrator.models import WorkflowDef
from orchestrator.services import definitions, tasks, workflows

from . import dashboards as d

pytestmark = [
    pytest.mark.db_tier, pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),  # WhiteNoise: no collectstatic here
]


def minute(offset: int = 0) -> datetime:
    """The start of the minute `offset` minutes from the one ten minutes ago."""
    return (timezone.now() - timedelta(minutes=10)).astimezone(UTC).replace(second=0, microsecond=0) + timedelta(
        minutes=offset)


def iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def table(client: Client, key: str, query: str = "window=1h") -> list[dict[str, Any]]:
    response = client.get(f"/metrics/{key}.json?{query}")
    assert response.status_code == 200, response.content
    return list(json.loads(response.content)["rows"])


def by(rows: list[dict[str, Any]], column: str) -> dict[Any, dict[str, Any]]:
    return {r[column]: r for r in rows}


def set_times(wf_id: str, start: datetime, end: datetime | None) -> None:
    Workflow.objects.filter(id=wf_id).update(create_time=start, end_time=end)


def run(charge: str = "COMPLETED") -> str:
    wf = d.start()
    d.work("dash_charge", charge, reason="declined" if charge == "FAILED" else "")
    if charge == "FAILED":
        d.work("dash_charge", "FAILED", reason="declined again")
    else:
        d.work("dash_ship")
    return wf


@pytest.fixture()
def known(staff: Client) -> dict[str, str]:
    """Three runs of dash_orders and one of dash_refunds, at known minutes, with known durations."""
    m0 = minute()
    a, b, c = run(), run(), run("FAILED")
    set_times(a, m0 + timedelta(seconds=5), m0 + timedelta(seconds=65))  # 60 s, completed in m0+1
    set_times(b, m0 + timedelta(seconds=10), m0 + timedelta(seconds=130))  # 120 s, completed in m0+2
    set_times(c, m0 + timedelta(seconds=20), m0 + timedelta(seconds=80))  # 60 s, failed in m0+1
    running = d.start("dash_refunds")
    set_times(running, m0 + timedelta(minutes=3, seconds=1), None)
    # task durations: dash_charge 1, 2, 3, 4 s (c's two attempts), dash_ship 10, 20 s
    for seconds, task in zip((1, 2, 3, 4), Task.objects.filter(def_name="dash_charge").order_by("workflow_id", "seq"),
                             strict=True):
        Task.objects.filter(id=task.id).update(start_time=m0, end_time=m0 + timedelta(seconds=seconds))
    for seconds, task in zip((10, 20), Task.objects.filter(def_name="dash_ship").order_by("id"), strict=True):
        Task.objects.filter(id=task.id).update(start_time=m0, end_time=m0 + timedelta(seconds=seconds))
    return {"a": a, "b": b, "c": c, "running": running}


def test_started_completed_failed_and_failure_rate_per_minute(staff: Client, known: dict[str, str]) -> None:
    rows = by(table(staff, "throughput"), "bucket")
    m0 = minute()
    assert len(rows) == 61  # the minute an hour ago up to this one
    assert rows[iso(m0)] == {"bucket": iso(m0), "started": 3, "completed": 0, "failed": 0, "failure_rate": None}
    assert rows[iso(m0 + timedelta(minutes=1))] == {"bucket": iso(m0 + timedelta(minutes=1)), "started": 0,
                                                    "completed": 1, "failed": 1, "failure_rate": 0.5}
    assert rows[iso(m0 + timedelta(minutes=2))]["completed"] == 1
    assert rows[iso(m0 + timedelta(minutes=2))]["failure_rate"] == 0
    assert rows[iso(m0 + timedelta(minutes=3))]["started"] == 1
    assert sum(r["started"] for r in rows.values()) == 4
    rate = by(table(staff, "failure_rate"), "bucket")
    assert rate[iso(m0 + timedelta(minutes=1))]["failure_rate"] == 0.5
    # filtered by name: dash_refunds started once and has not ended
    refunds = table(staff, "throughput", "window=1h&name=dash_refunds")
    assert sum(r["started"] for r in refunds) == 1 and sum(r["completed"] + r["failed"] for r in refunds) == 0


def test_p50_p95_by_workflow_and_by_task_type(staff: Client, known: dict[str, str]) -> None:
    wf = by(table(staff, "workflow_durations"), "workflow")
    # 60, 60, 120 s: p50 60 s; p95 at rank 1.9 = 60 + 0.9 × 60 = 114 s. The running one has no duration.
    assert wf == {"dash_orders": {"workflow": "dash_orders", "count": 3, "p50_ms": 60000.0, "p95_ms": 114000.0}}
    kinds = by(table(staff, "task_durations"), "task_type")
    assert kinds["dash_charge"] == {"task_type": "dash_charge", "count": 4, "p50_ms": 2500.0, "p95_ms": 3850.0}
    assert kinds["dash_ship"] == {"task_type": "dash_ship", "count": 2, "p50_ms": 15000.0, "p95_ms": 19500.0}
    assert set(kinds) == {"dash_charge", "dash_ship"}  # dash_refunds' task has not started


def test_queue_depth_over_time_from_the_task_rows(staff: Client) -> None:
    queue = f"dash_q_{uuid.uuid4().hex[:8]}"
    doc = {"name": queue + "_wf", "version": 1, "tasks": [{"name": queue, "taskReferenceName": "a", "type": "SIMPLE"}]}
    definitions.save_workflow_def(doc, overwrite=True)
    for _ in range(3):
        workflows.start(workflows.StartRequest(name=doc["name"], input={}))
    [claimed] = tasks.claim(queue, "w1", 1)
    waiting = list(Task.objects.filter(def_name=queue).exclude(id=claimed.id).order_by("id"))
    m0 = minute()
    long_ago = timezone.now() - timedelta(hours=2)  # queued before the window, still waiting
    Task.objects.filter(id=waiting[0].id).update(scheduled_time=long_ago)
    Task.objects.filter(id=claimed.id).update(scheduled_time=m0 + timedelta(seconds=10),
                                              start_time=m0 + timedelta(minutes=2, seconds=30))
    Task.objects.filter(id=waiting[1].id).update(scheduled_time=m0 + timedelta(minutes=1, seconds=10))
    rows = by(table(staff, "queue_depth", f"window=1h&name={doc['name']}"), "at")
    # read at each minute's end: before m0 only the old one waits; then + claimed, + waiting[1], − claimed
    assert rows[iso(m0)][queue] == 1
    assert rows[iso(m0 + timedelta(minutes=1))][queue] == 2
    assert rows[iso(m0 + timedelta(minutes=2))][queue] == 3
    assert rows[iso(m0 + timedelta(minutes=3))][queue] == 2
    assert list(rows.values())[-1][queue] == 2 and list(rows.values())[-1]["all_queues"] == 2
    assert list(rows.values())[0][queue] == 1


def test_hour_buckets_for_a_day_and_a_week(staff: Client, known: dict[str, str]) -> None:
    day = table(staff, "throughput", "window=24h")
    assert len(day) == 25 and all(r["bucket"].endswith(":00:00Z") for r in day)
    assert sum(r["started"] for r in day) == 4
    assert len(table(staff, "throughput", "window=7d")) == 7 * 24 + 1


def test_the_page_draws_each_chart_beside_its_table(staff: Client, known: dict[str, str]) -> None:
    response = staff.get("/metrics/")
    html = response.content.decode()
    assert response.status_code == 200
    for key in ("throughput", "failure_rate", "workflow_durations", "task_durations", "queue_depth"):
        part = html.split(f'data-table="{key}"')[1].split("</section>")[0]
        assert f'data-testid="chart-{key}"' in part and "<svg" in part and f'data-testid="table-{key}"' in part
        assert f'href="/metrics/{key}.csv?window=1h"' in part and f'href="/metrics/{key}.json?window=1h"' in part
    throughput = html.split('data-table="throughput"')[1].split("</section>")[0]
    assert 'class="series c-started"' in throughput and 'class="series c-failed"' in throughput
    m1 = minute(1).strftime("%Y-%m-%d %H:%M")
    assert f"<title>{m1} UTC: started 0, completed 1, failed 1</title>" in throughput  # a column's hover title
    bars = html.split('data-table="workflow_durations"')[1].split("</section>")[0]
    assert "<title>dash_orders: p50 1.0 min</title>" in bars and "<title>dash_orders: p95 1.9 min</title>" in bars
    assert ">1.9 min<" in bars  # the table: 114 s
    assert 'data-parts-url="/metrics/?window=1h&amp;partial=parts"' in html and "baton/parts.js" in html
    part = staff.get("/metrics/?window=1h&partial=parts").content.decode()
    assert "<html" not in part and 'data-table="queue_depth"' in part


def test_csv_download_with_spreadsheet_formulas_defused(staff: Client) -> None:
    doc = {**d.OTHER, "name": "-dash_minus"}
    definitions.save_workflow_def(doc, overwrite=True)
    wf = workflows.start(workflows.StartRequest(name="-dash_minus", input={}))
    d.work("dash_refund")
    assert Workflow.objects.get(id=wf).status == "COMPLETED"
    response = staff.get("/metrics/workflow_durations.csv?window=1h")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="baton-workflow_durations-1h.csv"' in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert lines[0] == "workflow,count,p50_ms,p95_ms" and lines[1].startswith("'-dash_minus,1,")


def test_a_hostile_workflow_name_is_text_in_charts_and_tables(staff: Client) -> None:
    hostile = '<img src=x onerror="alert(1)">'
    # The name check came after some rows: a stored definition may carry any name.
    WorkflowDef.objects.create(name=hostile, version=1, definition={**d.OTHER, "name": hostile})
    workflows.start(workflows.StartRequest(name=hostile, input={}))
    d.work("dash_refund")
    html = staff.get("/metrics/?window=1h").content.decode()
    assert hostile not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    filtered = staff.get("/metrics/", {"name": hostile}).content.decode()
    assert hostile not in filtered and 'href="/workflows/%3Cimg%20src%3Dx' in filtered


@pytest.mark.parametrize(("path", "field"), [
    ("/metrics/?window=2h", "window"), ("/metrics/?name=" + "n" * 256, "name"),
])
def test_bad_parameters_are_a_400_naming_them(staff: Client, path: str, field: str) -> None:
    response = staff.get(path)
    assert response.status_code == 400 and f'data-field="{field}"' in response.content.decode()
    download = staff.get(path.replace("/metrics/", "/metrics/throughput.json"))
    assert download.status_code == 400 and json.loads(download.content)["field"] == field


def test_unknown_tables_and_formats_are_404(staff: Client) -> None:
    assert staff.get("/metrics/nope.csv").status_code == 404
    assert staff.get("/metrics/throughput.xml").status_code == 404


def test_roles_anonymous_to_login_non_staff_403(client: Client) -> None:
    assert client.get("/metrics/").status_code == 302
    client.force_login(get_user_model().objects.create_user("pat", "p@example.com", "pw-pat-12345"))
    assert client.get("/metrics/").status_code == 403
    assert client.get("/metrics/throughput.csv").status_code == 403
