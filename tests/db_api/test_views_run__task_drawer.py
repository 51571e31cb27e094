"""The run page's task drawer: actions on one task (rerun with new input, skip, complete/fail a
WAIT or HUMAN task by hand) through the real services, the JSON and definition tabs, human notes
in the drawer and the event history, and the incremental log refresh. On PostgreSQL, with
Django's test client and the real middleware (CSRF enforced where the test says so).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from executions import run_drawer
from executions.models import ExecutionEvent, Task, Workflow
from orchestrator.humantasks import service as inbox
from orchestrator.services import definitions

from . import dashboards as d

pytestmark = [
    pytest.mark.db_tier, pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),  # WhiteNoise: no collectstatic here
]

HOSTILE = '<script>alert("x")</script>'
HAND = {"name": "dash_by_hand", "version": 1, "tasks": [
    {"name": "park", "taskReferenceName": "park", "type": "WAIT"},
    {"name": "approve", "taskReferenceName": "approve", "type": "HUMAN", "inputParameters": {"note": HOSTILE}},
]}


def task(wf: str, ref: str) -> Task:
    return Task.objects.filter(workflow_id=wf, node_ref=ref).order_by("-seq").first()  # type: ignore[return-value]


def act(client: Client, wf: str, ref: str, **form: Any) -> Any:
    return client.post(f"/executions/{wf}/tasks/{ref}/action", {"confirm": "yes", **form})


def failed_run() -> str:
    wf = d.start(wf_input={"orderId": "A-1"})
    d.work("dash_charge", "COMPLETED", output={"charged": 10})
    d.work("dash_ship", "FAILED_WITH_TERMINAL_ERROR", reason="no truck")
    assert Workflow.objects.get(id=wf).status == "FAILED"
    return wf


def test_rerun_from_a_task_with_new_input_goes_through_the_rerun_service(staff: Client) -> None:
    wf = failed_run()
    charge = task(wf, "charge")
    drawer = staff.get(f"/executions/{wf}/tasks/charge").content.decode()
    assert 'data-testid="task-action-rerun"' in drawer and 'data-testid="task-action-skip"' not in drawer
    assert 'data-testid="task-action-complete"' not in drawer  # a SIMPLE task is a worker's to finish
    response = act(staff, wf, "charge", action="rerun", task_id=charge.id, task_input='{"amount": 7}')
    assert response.status_code == 303 and response["Location"] == f"/executions/{wf}?task=charge#task-drawer"
    row = Workflow.objects.get(id=wf)
    rerun = Task.objects.get(id=charge.id)
    assert row.status == "RUNNING" and rerun.status == "SCHEDULED" and rerun.input == {"amount": 7}
    assert not Task.objects.filter(workflow_id=wf, ref="ship").exists()  # later tasks are removed
    page = staff.get(response["Location"]).content.decode()
    assert "Rerunning from charge." in page and 'data-testid="run-drawer"' in page  # the no-JS way back
    assert 'data-testid="task-action-rerun"' not in page  # a running workflow offers no rerun


@pytest.mark.parametrize(("text", "error"), [
    ('{"amount": ' + HOSTILE, "task_input: not valid JSON"),
    (json.dumps([HOSTILE]), "task_input: must be a JSON object"),
])
def test_bad_rerun_input_is_named_on_the_page_and_changes_nothing(staff: Client, text: str, error: str) -> None:
    wf = failed_run()
    charge = task(wf, "charge")
    response = act(staff, wf, "charge", action="rerun", task_id=charge.id, task_input=text)
    html = response.content.decode()
    assert response.status_code == 400 and error in html and 'data-testid="error-task_input"' in html
    assert HOSTILE not in html and "&lt;script&gt;" in html  # what was typed is kept, as text
    assert re.search(r'<details class="task-action" data-testid="task-action-rerun" open>', html)
    assert Workflow.objects.get(id=wf).status == "FAILED"
    # the page is answered at the action's URL: its own links and forms name the run page
    assert f'action="/executions/{wf}#logs"' in html and f'data-run-url="/executions/{wf}"' in html


def test_each_action_needs_its_confirmation_and_the_status_that_allows_it(staff: Client) -> None:
    wf = failed_run()
    charge = task(wf, "charge")
    response = staff.post(f"/executions/{wf}/tasks/charge/action", {"action": "rerun", "task_id": charge.id})
    assert response.status_code == 400 and "confirm: tick the box to confirm" in response.content.decode()
    assert Workflow.objects.get(id=wf).status == "FAILED"
    refused = act(staff, wf, "charge", action="complete", task_id=charge.id, output="{}")
    assert refused.status_code == 303 and Task.objects.get(id=charge.id).status == "COMPLETED"
    assert "action: complete is not possible for charge now" in staff.get(refused["Location"]).content.decode()
    unknown = act(staff, wf, "charge", action="explode")
    assert unknown.status_code == 400 and "action: unknown action" in unknown.content.decode()
    wrong = act(staff, wf, "charge", action="rerun", task_id="not-an-attempt", task_input="{}")
    assert wrong.status_code == 400 and "task_id: not an attempt of charge" in wrong.content.decode()
    assert act(staff, wf, "nope", action="rerun").status_code == 303  # no such task: back, with a message
    assert staff.get(f"/executions/{wf}/tasks/nope").status_code == 404
    assert act(staff, "nope", "charge", action="rerun").status_code == 404


def test_skip_a_task_before_it_is_scheduled(staff: Client) -> None:
    wf = d.start()
    assert 'task-action-skip' not in staff.get(f"/executions/{wf}/tasks/charge").content.decode()  # scheduled
    drawer = staff.get(f"/executions/{wf}/tasks/ship").content.decode()
    assert 'data-testid="task-action-skip"' in drawer and "ship has not been scheduled (yet)" in drawer
    assert act(staff, wf, "ship", action="skip").status_code == 303
    assert task(wf, "ship").status == "SKIPPED"
    d.work("dash_charge", "COMPLETED")
    assert Workflow.objects.get(id=wf).status == "COMPLETED"  # the run passed over the skipped task
    page = staff.get(f"/executions/{wf}?task=ship").content.decode()
    assert "Skipped ship." in page and 'task-action-skip' not in page


def test_complete_a_wait_and_fail_a_human_task_by_hand_noted_with_who(staff: Client) -> None:
    definitions.save_workflow_def(HAND, overwrite=True)
    wf = d.start("dash_by_hand")
    park = task(wf, "park")
    assert park.status == "IN_PROGRESS"
    drawer = staff.get(f"/executions/{wf}/tasks/park").content.decode()
    assert 'task-action-complete' in drawer and 'task-action-fail' in drawer and "as boss" in drawer
    bad = act(staff, wf, "park", action="complete", task_id=park.id, output='"yes"')
    assert bad.status_code == 400 and "output: must be a JSON object" in bad.content.decode()
    assert act(staff, wf, "park", action="complete", task_id=park.id, output='{"ok": true}').status_code == 303
    done = Task.objects.get(id=park.id)
    assert done.status == "COMPLETED" and done.output == {"ok": True}
    approve = task(wf, "approve")
    assert approve.status == "IN_PROGRESS"
    empty = act(staff, wf, "approve", action="fail", task_id=approve.id, reason=" ")
    assert empty.status_code == 400 and "reason: say why the task failed" in empty.content.decode()
    assert act(staff, wf, "approve", action="fail", task_id=approve.id, reason="wrong " + HOSTILE).status_code == 303
    failed = Task.objects.get(id=approve.id)
    assert failed.status == "FAILED" and failed.reason == "wrong " + HOSTILE
    assert Workflow.objects.get(id=wf).status == "FAILED"
    # who did it: in the drawer's notes and in the event history, as text
    notes = staff.get(f"/executions/{wf}/tasks/approve").content.decode()
    # a HUMAN task goes through the inbox's staff override: the decision is the inbox's, by boss
    assert 'data-kind="human.rejected"' in notes and 'data-testid="note-by">boss<' in notes
    decided = inbox.get(approve.id)
    assert (decided.status, decided.decided_by.get_username(), decided.reason) == ("REJECTED", "boss", "wrong " + HOSTILE)
    assert HOSTILE not in notes and "wrong &lt;script&gt;" in notes
    history = staff.get(f"/executions/{wf}").content.decode().split('data-testid="history"')[1]
    assert history.count('data-testid="history-note"') == 2
    assert "human.completed_by_hand" in history and '"ok": true' in history.replace("&quot;", '"')
    assert '"data"' not in history.replace("&quot;", '"')  # the submitted data is the note's data


def test_inbox_claims_and_any_new_human_note_kind_show_generically(staff: Client) -> None:
    definitions.save_workflow_def(HAND, overwrite=True)
    wf = d.start("dash_by_hand")
    d_user = get_user_model().objects.get(username="boss")
    act(staff, wf, "park", action="complete", task_id=task(wf, "park").id, output="{}")
    approve = task(wf, "approve")
    inbox.claim(approve.id, d_user)  # the inbox's HumanAssignment note
    # a kind another engineer adds (say an escalation) is shown without this page knowing it
    ExecutionEvent.objects.create(workflow_id=wf, task_id=approve.id, kind="human.escalated", created=approve.update_time,
                                  payload={"taskId": approve.id, "by": "sla-bot", "to": "managers", "afterMinutes": 30})
    inbox.decide(approve.id, d_user, approve=True, data={"amount": HOSTILE})
    notes = staff.get(f"/executions/{wf}/tasks/approve").content.decode()
    kinds = re.findall(r'data-kind="([^"]+)"', notes)
    assert kinds == ["human.claimed", "human.escalated", "human.approved"]
    approved = notes.split('data-kind="human.approved"')[1].replace("&quot;", '"')
    assert '"submitted": {' in approved and '"amount": "&lt;script&gt;' in approved  # the form's data, as text
    page = staff.get(f"/executions/{wf}").content.decode()
    history = page.split('data-testid="history"')[1].split("</ol>")[0].replace("&quot;", '"')
    assert history.count('"submitted": {') == 1 and "sla-bot" in history
    assert "sla-bot" in notes and "&quot;to&quot;: &quot;managers&quot;" in notes
    assert notes.count('data-testid="note-by">boss<') == 2


def test_the_drawer_has_the_task_json_and_its_definition(staff: Client) -> None:
    definitions.save_task_defs([{"name": "dash_ship", "description": "ships " + HOSTILE}])
    wf = d.start(wf_input={"note": HOSTILE})
    d.work("dash_charge", "COMPLETED", output={"said": HOSTILE})
    html = staff.get(f"/executions/{wf}/tasks/charge").content.decode()
    json_tab = html.split('data-testid="drawer-json">')[1].split("</pre>")[0]
    assert "&quot;taskId&quot;" in json_tab and "&quot;referenceTaskName&quot;: &quot;charge&quot;" in json_tab
    assert HOSTILE not in html and "&lt;script&gt;" in json_tab
    node = html.split('data-testid="drawer-node">')[1].split("</pre>")[0]
    assert "&quot;taskDefinition&quot;" in node  # the snapshot's entry, inline taskDefinition and all
    ship = staff.get(f"/executions/{wf}?task=ship").content.decode()  # the no-JS page, a task that is running
    taskdef = ship.split('data-testid="drawer-taskdef">')[1].split("</pre>")[0]
    assert "ships &lt;script&gt;" in taskdef
    assert 'data-testid="drawer-json"' in ship


def test_the_live_refresh_sends_only_the_log_lines_after_the_last_seen(staff: Client) -> None:
    wf = d.start()
    d.work("dash_charge", "COMPLETED", log="first line")
    page = staff.get(f"/executions/{wf}").content.decode()
    last = int(re.search(r'data-last-id="(\d+)"', page).group(1))  # type: ignore[union-attr]
    assert last > 0
    assert 'class="log-line"' not in staff.get(f"/executions/{wf}?partial=logs&after={last}").content.decode()
    d.work("dash_ship", "COMPLETED", log="second " + HOSTILE)
    fresh = staff.get(f"/executions/{wf}?partial=logs&after={last}").content.decode()
    assert fresh.count('class="log-line"') == 1 and "second &lt;script&gt;" in fresh and "first line" not in fresh
    assert "<html" not in fresh
    assert staff.get(f"/executions/{wf}?partial=logs&after=abc").status_code == 400


def test_task_actions_need_csrf_and_the_admin_role(django_user_model: type) -> None:
    d.register()
    wf = failed_run()
    charge = task(wf, "charge")
    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.create_superuser("boss", "b@example.com", "pw-boss-12345"))
    form = {"action": "rerun", "task_id": charge.id, "task_input": "{}", "confirm": "yes"}
    assert client.post(f"/executions/{wf}/tasks/charge/action", form).status_code == 403
    assert Workflow.objects.get(id=wf).status == "FAILED"
    token = _get_new_csrf_string()
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    ok = client.post(f"/executions/{wf}/tasks/charge/action", {**form, "csrfmiddlewaretoken": token})
    assert ok.status_code == 303 and Workflow.objects.get(id=wf).status == "RUNNING"
    plain = Client()
    plain.force_login(django_user_model.objects.create_user("plain", password="pw-plain-12345"))
    assert plain.get(f"/executions/{wf}/tasks/charge").status_code == 403
    assert plain.post(f"/executions/{wf}/tasks/charge/action", form).status_code == 403
    assert client.get(f"/executions/{wf}/tasks/charge/action").status_code == 405


def test_the_drawer_lists_the_newest_attempts_and_the_chosen_one(staff: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_drawer, "ATTEMPTS_SHOWN", 1)  # a loop's task may have thousands
    wf = d.start()
    first = d.work("dash_charge", "FAILED", reason="declined")
    second = d.work("dash_charge", "COMPLETED")
    html = staff.get(f"/executions/{wf}/tasks/charge").content.decode()
    assert "2 attempts; the newest 1:" in html
    assert f'data-attempt="{second}"' in html and f'data-attempt="{first}"' not in html
    chosen = staff.get(f"/executions/{wf}/tasks/charge?attempt={first}").content.decode()
    assert f'data-attempt="{first}"' in chosen and f'data-attempt="{second}"' in chosen
    assert "declined" in chosen.split('data-testid="drawer-json">')[1]  # the chosen attempt's JSON
