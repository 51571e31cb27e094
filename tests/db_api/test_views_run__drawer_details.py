"""The run page's one task drawer, its Details tab (the default): the chosen attempt's reason as a
banner, task id, type, worker, poll count, times, input, output and its own log lines, all shown
as text; attempts picked by ?attempt=<task id>; a fork's branch opened by its task id; no query
per task of the run (N+1). Executions run through the real services on
PostgreSQL, read with Django's test client.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from executions.models import Task
from orchestrator.services import definitions, workflows

from . import dashboards as d

pytestmark = [
    pytest.mark.db_tier, pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),  # WhiteNoise: no collectstatic here
]

HOSTILE = '<img src=x onerror="alert(1)">'
TRACEBACK = ('Traceback (most recent call last):\n  File "worker.py", line 12, in charge\n'
             '    raise ValueError(card)\nValueError: ' + HOSTILE)


def details(page: str) -> str:
    """The Details tab's panel of a drawer fragment (or of a whole run page)."""
    found = re.search(r'<div class="drawer-panel" data-panel="details" role="tabpanel">(.*?)</div>\s*<div class="drawer-panel" data-panel="actions"',
                      page, re.S)
    assert found, "no Details panel"
    return found.group(1)


def by_testid(page: str, name: str) -> str:
    found = re.search(rf'data-testid="{name}"[^>]*>(.*?)</(?:pre|dd|code|div)>', page, re.S)
    assert found, f"no {name}"
    return html.unescape(found.group(1))


def test_details_is_the_first_tab_and_holds_the_attempt_as_text(staff: Client) -> None:
    wf = d.start(wf_input={"orderId": HOSTILE})
    charge = d.work("dash_charge", "COMPLETED", output={"charged": HOSTILE}, log=TRACEBACK)
    page = staff.get(f"/executions/{wf}/tasks/charge").content.decode()
    tabs = re.findall(r'data-tab="(\w+)"', page)
    assert tabs[0] == "details" and tabs[:2] == ["details", "actions"], tabs
    panel = details(page)
    task = Task.objects.get(id=charge)
    assert by_testid(panel, "drawer-task-id") == charge
    assert by_testid(panel, "drawer-worker") == "test-worker"
    assert by_testid(panel, "drawer-polls") == str(task.poll_count) and task.poll_count >= 1
    assert panel.count("<time datetime=") == 3  # scheduled, started and ended
    assert "SIMPLE" in panel
    # input, output and the log line arrive escaped, the traceback with its line breaks
    assert HOSTILE not in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in panel
    assert json.loads(by_testid(panel, "drawer-output")) == {"charged": HOSTILE}
    logs = by_testid(panel, "drawer-logs")
    assert TRACEBACK in html.unescape(re.sub(r"<[^>]+>", "", panel))  # in one <pre>: lines kept
    assert 'class="log-text">Traceback (most recent call last):\n  File' in panel and logs
    assert "drawer-reason" not in panel  # no reason, no banner


def test_the_reason_is_a_banner_and_each_attempt_shows_its_own_logs(staff: Client) -> None:
    wf = d.start()
    first = d.work("dash_charge", "FAILED", reason="declined " + HOSTILE, log="first try " + HOSTILE)
    second = d.work("dash_charge", "COMPLETED", log="second try")  # the retry (retryCount 1)
    newest = details(staff.get(f"/executions/{wf}/tasks/charge").content.decode())
    assert by_testid(newest, "drawer-task-id") == second
    assert "second try" in newest and "first try" not in newest and "drawer-reason" not in newest
    older = details(staff.get(f"/executions/{wf}/tasks/charge?attempt={first}").content.decode())
    assert by_testid(older, "drawer-task-id") == first
    assert "first try &lt;img" in older and "second try" not in older
    banner = re.search(r'data-testid="drawer-reason"><pre class="log-text">(.*?)</pre>', older, re.S)
    assert banner and html.unescape(banner.group(1)) == "declined " + HOSTILE
    assert "declined <img" not in older


def test_the_run_page_renders_the_details_of_a_linked_task(staff: Client) -> None:
    wf = d.start()
    d.work("dash_charge", "COMPLETED", log="charged ok")
    page = staff.get(f"/executions/{wf}?task=charge").content.decode()
    assert 'data-testid="run-drawer"' in page and "charged ok" in details(page)


def test_a_task_not_scheduled_yet_says_so(staff: Client) -> None:
    wf = d.start()
    panel = details(staff.get(f"/executions/{wf}/tasks/ship").content.decode())
    assert 'data-testid="drawer-not-scheduled"' in panel and "drawer-task-id" not in panel


def test_a_fork_branch_opens_by_its_task_id(staff: Client) -> None:
    definitions.save_task_defs([{"name": "fan_leaf", "retryCount": 0}])
    definitions.save_workflow_def({"name": "drawer_fan", "version": 1, "tasks": [
        {"name": "fan", "taskReferenceName": "fan", "type": "FORK_JOIN_DYNAMIC",
         "inputParameters": {"forkTaskName": "fan_leaf", "forkTaskInputs": "${workflow.input.items}"}},
        {"name": "join", "taskReferenceName": "fan_join", "type": "JOIN"}]}, overwrite=True)
    wf = workflows.start(workflows.StartRequest(name="drawer_fan", input={"items": [{"n": HOSTILE}, {"n": 2}]}))
    hostile, branch = Task.objects.filter(workflow_id=wf, task_type="SIMPLE").order_by("seq")
    response = staff.get(f"/executions/{wf}/tasks/{branch.ref}?attempt={branch.id}")
    assert response.status_code == 200
    panel = details(response.content.decode())
    assert by_testid(panel, "drawer-task-id") == branch.id and json.loads(by_testid(panel, "drawer-input"))["n"] == 2
    page = staff.get(f"/executions/{wf}/tasks/{hostile.ref}?attempt={hostile.id}").content.decode()
    assert json.loads(by_testid(details(page), "drawer-input"))["n"] == HOSTILE and HOSTILE not in page


def test_the_fragment_makes_as_many_queries_for_a_wide_run_as_for_a_small_one(staff: Client) -> None:
    def queries_for(items: int) -> int:
        definitions.save_workflow_def({"name": "drawer_wide", "version": 1, "tasks": [
            {"name": "fan", "taskReferenceName": "fan", "type": "FORK_JOIN_DYNAMIC",
             "inputParameters": {"forkTaskName": "fan_leaf", "forkTaskInputs": "${workflow.input.items}"}},
            {"name": "join", "taskReferenceName": "fan_join", "type": "JOIN"}]}, overwrite=True)
        wf = workflows.start(workflows.StartRequest(name="drawer_wide", input={"items": list(range(items))}))
        with CaptureQueriesContext(connection) as captured:
            assert staff.get(f"/executions/{wf}/tasks/fan").status_code == 200
        return len(captured.captured_queries)

    definitions.save_task_defs([{"name": "fan_leaf", "retryCount": 0}])
    assert queries_for(2) == queries_for(60)
