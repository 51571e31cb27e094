"""failureWorkflow is started once, by Celery, with Conductor's input."""

from __future__ import annotations

import time

import pytest

from tests.live import wait_for

pytestmark = pytest.mark.integration


def test_failed_workflow_starts_its_failure_workflow_once(api):  # type: ignore[no-untyped-def]
    api.post("/metadata/workflow", params={"overwrite": "true"}, json={
        "name": "it_cleanup", "version": 1, "tasks": [{"name": "it_cleanup_t", "taskReferenceName": "c"}]})
    api.post("/metadata/taskdefs", json=[{"name": "it_breaks", "retryCount": 0}])
    api.post("/metadata/workflow", params={"overwrite": "true"}, json={
        "name": "it_breaks_wf", "version": 1, "failureWorkflow": "it_cleanup",
        "tasks": [{"name": "it_breaks", "taskReferenceName": "b"}]})
    wf_id = api.post("/workflow", json={"name": "it_breaks_wf", "input": {"order": 7}}).text
    task = api.get("/tasks/poll/batch/it_breaks", params={"count": 1, "timeout": 1000}).json()[0]
    api.post("/tasks", json={"taskId": task["taskId"], "status": "FAILED", "reasonForIncompletion": "card declined"})
    assert wait_for(api, wf_id)["status"] == "FAILED"
    deadline = time.monotonic() + 15
    child_id = None
    while child_id is None and time.monotonic() < deadline:
        child_id = api.get(f"/workflow/{wf_id}").json()["output"].get("conductor.failure_workflow")
        time.sleep(0.2)
    assert child_id, "failure workflow was not started"
    child = api.get(f"/workflow/{child_id}").json()
    assert child["workflowName"] == "it_cleanup"
    assert child["input"]["workflowId"] == wf_id and child["input"]["order"] == 7
    assert child["input"]["failureStatus"] == "FAILED" and "card declined" in child["input"]["reason"]
    assert child["input"]["failedWorkflow"]["workflowId"] == wf_id


def test_session_writes_need_a_csrf_token(pg_stack):  # type: ignore[no-untyped-def]
    import httpx

    pg_stack.manage("shell", "-c", (
        "from django.contrib.auth import get_user_model as g; U=g();"
        "U.objects.filter(username='csrf').exists() or U.objects.create_superuser('csrf','c@x','pw-csrf-123')"))
    with httpx.Client(base_url=pg_stack.url, follow_redirects=False) as browser:
        page = browser.get("/admin/login/")
        token = browser.cookies["csrftoken"]
        r = browser.post("/admin/login/", data={"username": "csrf", "password": "pw-csrf-123",
                                                "csrfmiddlewaretoken": token, "next": "/"},
                         headers={"Referer": pg_stack.url + "/admin/login/"})
        assert r.status_code == 302, page.text[:200]
        doc = {"name": "it_csrf", "version": 1, "tasks": [{"name": "a", "taskReferenceName": "a"}]}
        assert browser.get("/api/metadata/workflow").status_code == 200
        r = browser.post("/api/metadata/workflow", json=doc)
        assert r.status_code == 403 and "CSRF" in r.json()["message"]
        r = browser.post("/api/metadata/workflow", json=doc, headers={"X-CSRFToken": browser.cookies["csrftoken"],
                                                                      "Referer": pg_stack.url + "/"})
        assert r.status_code == 200
        assert browser.get("/").status_code == 200
    assert httpx.get(pg_stack.url + "/", follow_redirects=False).status_code == 302
