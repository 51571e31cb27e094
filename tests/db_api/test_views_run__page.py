"""/execution/<id> and /executions/<id>: what the run page shows, its logs, its actions (CSRF, roles).

Executions and their tasks go through the real services; pages and form posts through Django's
test client with the real middleware (CSRF enforced where the test says so), on PostgreSQL.
"""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from executions.models import Workflow

from . import dashboards as d

pytestmark = [
    pytest.mark.db_tier, pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),  # WhiteNoise: no collectstatic here
]

HOSTILE = '<script>alert("x")</script>'
TRACEBACK = 'Traceback (most recent call last):\n  File "worker.py", line 3, in charge\n    raise ValueError("no")\nValueError: no'


def status(wf_id: str) -> str:
    return Workflow.objects.get(id=wf_id).status


def test_both_urls_show_the_run_its_definition_and_island_config(staff: Client) -> None:
    wf = d.start(wf_input={"orderId": "A-1"}, correlation_id="c-1")
    for url in (f"/execution/{wf}", f"/executions/{wf}"):
        response = staff.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "dash_orders" in html and "c-1" in html and "&quot;orderId&quot;: &quot;A-1&quot;" in html
        assert 'href="/editor/dash_orders/?version=1"' in html
        island = json.loads(html.split('id="baton-run" type="application/json">')[1].split("</script>")[0])
        assert island["workflowId"] == wf and [t["taskReferenceName"] for t in island["definition"]["tasks"]] == [
            "charge", "ship"]
        assert 'data-action="pause"' in html and 'data-action="terminate"' in html
        assert 'data-action="retry"' not in html  # a running execution offers no retry
    assert staff.get("/execution/nope").status_code == 404


def test_logs_of_every_task_attempt_marked_filter_by_task_and_tracebacks_keep_lines(staff: Client) -> None:
    wf = d.start()
    first = d.work("dash_charge", "FAILED", reason="declined", log=TRACEBACK)
    retried = d.work("dash_charge", "COMPLETED", log="charged " + HOSTILE)
    html = staff.get(f"/executions/{wf}").content.decode()
    assert 'ValueError(&quot;no&quot;)\nValueError: no</pre>' in html  # line breaks kept, text escaped
    assert HOSTILE not in html and "charged &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert html.count('class="log-line"') == 2 and "attempt 2" in html
    only_first = staff.get(f"/executions/{wf}?logs_task={first}").content.decode()
    assert only_first.count('class="log-line"') == 1 and "Traceback" in only_first
    live = staff.get(f"/executions/{wf}?partial=live").content.decode()
    assert 'class="log-line"' not in live and "<html" not in live  # log lines are appended, not re-sent
    appended = staff.get(f"/executions/{wf}?partial=logs&logs_task={retried}").content.decode()
    assert appended.count('class="log-line"') == 1 and "charged" in appended
    assert staff.get(f"/executions/{wf}?logs_task=nope").content.decode().count('class="log-line"') == 0
    # the event history: the claim's worker and the failure's reason, newest first
    history = html.split('data-testid="history"')[1].split("</ol>")[0]
    assert "by test-worker" in history and "declined" in history
    assert history.index("COMPLETED") < history.index("FAILED")


def test_actions_go_through_the_services_as_the_status_allows(staff: Client) -> None:
    wf = d.start()
    assert staff.post(f"/executions/{wf}/action", {"action": "pause"}).status_code == 303
    assert status(wf) == "PAUSED"
    page = staff.get(f"/executions/{wf}").content.decode()
    assert "Paused." in page and 'data-action="resume"' in page
    staff.post(f"/executions/{wf}/action", {"action": "resume"})
    assert status(wf) == "RUNNING"
    staff.post(f"/executions/{wf}/action", {"action": "terminate", "reason": "ops said " + HOSTILE})
    row = Workflow.objects.get(id=wf)
    assert row.status == "TERMINATED" and row.reason == "ops said " + HOSTILE
    page = staff.get(f"/executions/{wf}").content.decode()
    assert HOSTILE not in page and 'data-action="retry"' in page
    staff.post(f"/executions/{wf}/action", {"action": "retry"})
    assert status(wf) == "RUNNING"
    # an action the status does not allow is refused by the service, and said so on the page
    response = staff.post(f"/executions/{wf}/action", {"action": "resume"}, follow=True)
    assert status(wf) == "RUNNING" and 'class="error"' in response.content.decode()
    response = staff.post(f"/executions/{wf}/action", {"action": "explode"}, follow=True)
    assert "action: unknown action" in response.content.decode()
    assert staff.post("/executions/nope/action", {"action": "pause"}).status_code == 404


def test_restart_of_a_failed_run(staff: Client) -> None:
    wf = d.start("dash_refunds")
    d.work("dash_refund", "FAILED_WITH_TERMINAL_ERROR", reason="no funds")
    assert "no funds" in staff.get(f"/executions/{wf}").content.decode()
    staff.post(f"/executions/{wf}/action", {"action": "restart"})
    assert status(wf) == "RUNNING"


def test_action_posts_need_csrf_and_the_admin_role(django_user_model: type) -> None:
    wf_client = Client(enforce_csrf_checks=True)
    wf_client.force_login(get_user_model().objects.create_superuser("boss", "b@example.com", "pw-boss-12345"))
    d.register()
    wf = d.start()
    assert wf_client.post(f"/executions/{wf}/action", {"action": "pause"}).status_code == 403
    assert status(wf) == "RUNNING"
    token = _get_new_csrf_string()
    wf_client.cookies[settings.CSRF_COOKIE_NAME] = token
    assert wf_client.post(f"/executions/{wf}/action", {"action": "pause", "csrfmiddlewaretoken": token}).status_code == 303
    assert status(wf) == "PAUSED"

    plain = Client()
    plain.force_login(django_user_model.objects.create_user("plain", password="pw-plain-12345"))
    assert plain.post(f"/executions/{wf}/action", {"action": "resume"}).status_code == 403
    assert plain.get(f"/executions/{wf}").status_code == 403
    assert status(wf) == "PAUSED"
    assert Client().post(f"/executions/{wf}/action", {"action": "resume"}).status_code == 302  # to the login
