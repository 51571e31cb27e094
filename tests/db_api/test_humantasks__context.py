"""The task page's context: the `contextParameters` summary (resolved, escaped, instead of the
workflow input) and the mini-diagram of top-level steps with "you are here", no step data."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from executions.models import Task
from orchestrator.services import definitions, workflows

pytestmark = [pytest.mark.db_tier, pytest.mark.django_db]

HOSTILE = "<img src=x onerror=alert(1)>"
SECRET = "s3cr3t-not-for-approvers"


def doc(name: str, **human: Any) -> dict[str, Any]:
    return {"name": name, "version": 1, "tasks": [
        {"name": "prep", "taskReferenceName": "prep", "type": "SET_VARIABLE",
         "inputParameters": {"stage": "prepared"}},
        {"name": "approve_expense", "taskReferenceName": "approve", "type": "HUMAN",
         "inputParameters": {"assignees": ["ann"], **human}},
        {"name": "pay", "taskReferenceName": "pay", "type": "SIMPLE"}]}


def start(definition: dict[str, Any], wf_input: dict[str, Any]) -> str:
    definitions.save_workflow_def(definition, overwrite=True)
    wf_id = workflows.start(workflows.StartRequest(name=definition["name"], input=wf_input, created_by="req"))
    return Task.objects.get(workflow_id=wf_id, ref="approve").id


@pytest.fixture()
def ann(db: None) -> Client:
    User.objects.create_user("ann", password="pw")
    client = Client()
    assert client.login(username="ann", password="pw")
    return client


def test_context_parameters_replace_the_workflow_input_resolved_and_escaped(ann: Client) -> None:
    task = start(doc("ctx_on", contextParameters={
        "Amount (EUR)": "${workflow.input.amount}", "Why": "${workflow.input.why}",
        "Lines": "${workflow.input.lines}", "Missing": "${workflow.input.nothing}"}),
        {"amount": 1250, "why": HOSTILE, "lines": [{"item": "taxi", "eur": 40}], "secret": SECRET})
    page = ann.get(f"/inbox/{task}/").content.decode()
    context = page[page.index('id="ht-context"'):page.index("</dl>", page.index('id="ht-context"'))]
    assert "<dt>Amount (EUR)</dt><dd>1250</dd>" in context
    assert HOSTILE not in page and "&lt;img src=x onerror=alert(1)&gt;" in context
    assert "<pre class=\"ib-json\">[\n  {\n    &quot;eur&quot;: 40," in context  # pretty-printed
    assert "<dt>Missing</dt><dd>—</dd>" in context
    assert SECRET not in page and 'id="ht-input"' not in page  # the whole input is not shown
    wf_id = Task.objects.get(pk=task).workflow_id
    assert wf_id in page and f'href="/executions/{wf_id}"' not in page  # the run page is for staff


def test_without_context_parameters_the_page_shows_the_workflow_input(ann: Client) -> None:
    task = start(doc("ctx_off"), {"amount": 7})
    page = ann.get(f"/inbox/{task}/").content.decode()
    assert 'id="ht-input"' in page and "&quot;amount&quot;: 7" in page and 'id="ht-context"' not in page


def test_the_mini_diagram_lists_top_level_steps_with_status_and_marks_this_task(ann: Client) -> None:
    task = start(doc("ctx_steps", contextParameters={"A": "${workflow.input.amount}"}),
                 {"amount": 3, "secret": SECRET})
    page = ann.get(f"/inbox/{task}/").content.decode()
    steps = page[page.index('id="ht-steps"'):page.index("</ol>", page.index('id="ht-steps"'))]
    names = [s.split("</span>")[0] for s in steps.split('<span class="ib-step-name">')[1:]]
    assert names == ["prep", "approve_expense", "pay"]
    items = steps.split("<li")[1:]
    assert "st-COMPLETED" in items[0] and "here" not in items[0]
    assert 'aria-current="step"' in items[1] and "st-IN_PROGRESS" in items[1] and "you are here" in items[1]
    assert "not reached" in items[2]
    assert "prepared" not in page and SECRET not in page  # no step's input or output
