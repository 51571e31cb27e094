"""The executions admin: every changelist and change page renders, and its actions go through the services."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.live import Stack, wait_for

pytestmark = pytest.mark.integration

USER, PASSWORD = "admin-pages", "pw-admin-pages-1"


@pytest.fixture(scope="module")
def browser(pg_stack: Stack) -> Iterator[httpx.Client]:
    """A logged-in superuser session (the admin's own login form, CSRF and all)."""
    pg_stack.manage("shell", "-c", (
        "from django.contrib.auth import get_user_model as g; U=g();"
        f"U.objects.filter(username='{USER}').exists() or U.objects.create_superuser('{USER}','a@x','{PASSWORD}')"))
    with httpx.Client(base_url=pg_stack.url, follow_redirects=False, timeout=30) as client:
        client.get("/admin/login/")
        r = client.post("/admin/login/", data={"username": USER, "password": PASSWORD, "next": "/admin/",
                                               "csrfmiddlewaretoken": client.cookies["csrftoken"]},
                        headers={"Referer": pg_stack.url + "/admin/login/"})
        assert r.status_code == 302, r.text[:300]
        yield client


def _post(browser: httpx.Client, pg_stack: Stack, url: str, items: list[tuple[str, str]]) -> httpx.Response:
    form: dict[str, list[str]] = {"csrfmiddlewaretoken": [browser.cookies["csrftoken"]]}
    for key, value in items:
        form.setdefault(key, []).append(value)
    return browser.post(url, data=form, headers={"Referer": pg_stack.url + url})


def _change_id(page: str, model: str, pattern: str) -> str:
    """The id in the first change-page link of a changelist."""
    found = re.search(rf'href="/admin/executions/{model}/({pattern})/change/', page)
    assert found, page[:300]
    return found.group(1)


def _page(browser: httpx.Client, url: str, *expected: str) -> str:
    r = browser.get(url)
    assert r.status_code == 200, (url, r.status_code, r.text[:300])
    for text in expected:
        assert text in r.text, (url, text)
    return r.text


@pytest.fixture(scope="module")
def done(pg_stack: Stack) -> dict[str, str]:
    """A completed one-task workflow with a task log line."""
    with pg_stack.client() as api:
        api.post("/metadata/workflow", params={"overwrite": "true"}, json={
            "name": "it_admin_wf", "version": 1, "tasks": [{"name": "it_admin_t", "taskReferenceName": "first"}]})
        wf_id = api.post("/workflow", json={"name": "it_admin_wf", "input": {"order": 41}}).text
        task = api.get("/tasks/poll/batch/it_admin_t", params={"count": 1, "timeout": 1000}).json()[0]
        api.post(f"/tasks/{task['taskId']}/log", content='"charged the card"')
        api.post("/tasks", json={"workflowInstanceId": wf_id, "taskId": task["taskId"], "status": "COMPLETED",
                                 "outputData": {"receipt": "r-41"}})
        assert wait_for(api, wf_id)["status"] == "COMPLETED"
    return {"workflow": wf_id, "task": task["taskId"]}


def _running(pg_stack: Stack) -> str:
    with pg_stack.client() as api:
        return api.post("/workflow", json={"name": "it_admin_wf", "input": {"order": 42}}).text


def _status(pg_stack: Stack, wf_id: str) -> dict[str, Any]:
    with pg_stack.client() as api:
        return dict(api.get(f"/workflow/{wf_id}", params={"includeTasks": "false"}).json())


def test_every_execution_page_renders(browser: httpx.Client, done: dict[str, str]) -> None:
    wf_id, task_id = done["workflow"], done["task"]
    _page(browser, "/admin/executions/workflow/", wf_id[:8], "it_admin_wf v1", "COMPLETED")
    _page(browser, "/admin/executions/workflow/?name=it_admin_wf&status__exact=COMPLETED", wf_id[:8])
    page = _page(browser, f"/admin/executions/workflow/{wf_id}/change/", "it_admin_wf v1 (snapshot ",
                 f"/ws/workflows/{wf_id}/", "all 1 tasks", "&quot;order&quot;: 41")
    assert "Terminate…" not in page  # a finished workflow has no operations
    _page(browser, f"/admin/executions/task/?workflow_id={wf_id}", "first", task_id[:8])
    _page(browser, f"/admin/executions/task/{task_id}/change/", "every attempt of first", "1 log line(s)",
          "&quot;receipt&quot;: &quot;r-41&quot;")
    events = _page(browser, f"/admin/executions/executionevent/?workflow_id={wf_id}", "first", "COMPLETED")
    _page(browser, f"/admin/executions/executionevent/?task_id={task_id}", "first")
    _page(browser, "/admin/executions/executionevent/", wf_id[:8])
    event_id = _change_id(events, "executionevent", r"\d+")
    _page(browser, f"/admin/executions/executionevent/{event_id}/change/", "payload", wf_id)
    logs = _page(browser, f"/admin/executions/tasklog/?task_id={task_id}", "charged the card")
    log_id = _change_id(logs, "tasklog", r"\d+")
    _page(browser, f"/admin/executions/tasklog/{log_id}/change/", "charged the card")
    snapshots = _page(browser, "/admin/executions/definitionsnapshot/?q=it_admin_wf", "it_admin_wf", "executions →")
    digest = _change_id(snapshots, "definitionsnapshot", "[0-9a-f]{64}")
    _page(browser, f"/admin/executions/definitionsnapshot/{digest}/change/", "it_admin_t", "executions →")
    _page(browser, "/admin/orchestrator/workflowdef/?q=it_admin_wf", "it_admin_wf", "executions →")
    _page(browser, "/admin/orchestrator/apiapplication/add/", "name", "role")


def test_execution_rows_are_read_only(browser: httpx.Client, done: dict[str, str]) -> None:
    assert browser.get("/admin/executions/workflow/add/").status_code == 403
    assert browser.get(f"/admin/executions/task/{done['task']}/delete/").status_code == 403


def test_pause_resume_and_terminate_buttons(browser: httpx.Client, pg_stack: Stack) -> None:
    wf_id = _running(pg_stack)
    change = f"/admin/executions/workflow/{wf_id}/change/"
    _page(browser, change, "Pause", "Terminate…")
    assert _post(browser, pg_stack, f"/admin/executions/workflow/{wf_id}/pause/", []).status_code == 302
    assert _status(pg_stack, wf_id)["status"] == "PAUSED"
    _page(browser, change, "Resume")
    assert _post(browser, pg_stack, f"/admin/executions/workflow/{wf_id}/resume/", []).status_code == 302
    assert _status(pg_stack, wf_id)["status"] == "RUNNING"
    _page(browser, f"/admin/executions/workflow/{wf_id}/terminate/", "Terminate workflows?", wf_id)
    r = _post(browser, pg_stack, f"/admin/executions/workflow/{wf_id}/terminate/", [("reason", "from the test")])
    assert r.status_code == 302
    wf = _status(pg_stack, wf_id)
    assert (wf["status"], wf["reasonForIncompletion"]) == ("TERMINATED", "from the test")


def test_terminate_action_confirms_then_terminates_only_open_ones(
    browser: httpx.Client, pg_stack: Stack, done: dict[str, str]
) -> None:
    open_id = _running(pg_stack)
    picked = [("action", "terminate_selected"), ("_selected_action", open_id), ("_selected_action", done["workflow"])]
    confirm = _post(browser, pg_stack, "/admin/executions/workflow/", picked)
    assert confirm.status_code == 200 and "Terminate workflows?" in confirm.text
    assert _status(pg_stack, open_id)["status"] == "RUNNING"  # nothing happens before the confirmation
    r = _post(browser, pg_stack, "/admin/executions/workflow/", [*picked, ("post", "yes"), ("reason", "bulk")])
    assert r.status_code == 302
    wf = _status(pg_stack, open_id)
    assert (wf["status"], wf["reasonForIncompletion"]) == ("TERMINATED", "bulk")
    assert _status(pg_stack, done["workflow"])["status"] == "COMPLETED"
    listing = _page(browser, "/admin/executions/workflow/?name=it_admin_wf")
    assert "Terminated 1 workflow(s)." in listing
    assert "Skipped 1 workflow(s) that had already finished." in listing
