"""The /inbox/ list with real sessions: due times with overdue marked, priority shown, filters
(workflow, overdue, priority, correlation id) and sorting from the URL, bad values named (400)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from executions.models import Task
from orchestrator.humantasks.models import HumanTask
from orchestrator.services import definitions, workflows

pytestmark = [pytest.mark.db_tier, pytest.mark.django_db]


def define(name: str, **inputs: Any) -> None:
    definitions.save_workflow_def({"name": name, "version": 1, "tasks": [
        {"name": "approve", "taskReferenceName": f"{name}_ref", "type": "HUMAN",
         "inputParameters": {"groups": ["finance"], **inputs}}]}, overwrite=True)


def start(name: str, correlation: str | None = None, **wf_input: Any) -> str:
    wf_id = workflows.start(workflows.StartRequest(name=name, input=wf_input, created_by="req",
                                                   correlation_id=correlation))
    return Task.objects.get(workflow_id=wf_id).id


@pytest.fixture()
def tasks(db: None) -> dict[str, str]:
    ann = User.objects.create_user("ann", password="pw")
    ann.groups.add(Group.objects.create(name="finance"))
    define("hl_late", dueAt="${workflow.input.due}", priority=9)
    define("hl_soon", dueIn="PT4H", priority=2)
    define("hl_none")
    past = (timezone.now() - timedelta(hours=3)).isoformat()
    return {"late": start("hl_late", "order-1", due=past), "soon": start("hl_soon", "order-2"),
            "none": start("hl_none", "<b>order-3</b>")}


def page(query: str, status: int = 200) -> str:
    client = Client()
    assert client.login(username="ann", password="pw")
    response = client.get(f"/inbox/{query}")
    assert response.status_code == status
    return response.content.decode()


def listed(html: str) -> list[str]:
    return re.findall(r'<tr class="[^"]*" data-task="([^"]+)"', html)


def test_due_times_show_with_overdue_marked_and_priority(tasks) -> None:  # type: ignore[no-untyped-def]
    html = page("?tab=claimable")
    assert re.search(rf'<tr class="ib-overdue" data-task="{tasks["late"]}"', html)
    assert re.search(rf'<tr class="" data-task="{tasks["soon"]}"', html)
    assert "overdue by 3" in html and "in 3" in html  # "3 hours" / "3 hours, 59 minutes"
    assert 'class="ib-prio hi" title="priority 9 of 10">9<' in html
    assert 'title="priority 5 of 10">5<' in html  # the default
    assert "&lt;b&gt;order-3&lt;/b&gt;" in html and "<b>order-3</b>" not in html
    # The default order: the most urgent first.
    assert listed(html) == [tasks["late"], tasks["none"], tasks["soon"]]


def test_filters_narrow_the_list_and_the_counts(tasks) -> None:  # type: ignore[no-untyped-def]
    assert listed(page("?tab=claimable&overdue=1")) == [tasks["late"]]
    assert listed(page("?tab=claimable&workflow=hl_soon")) == [tasks["soon"]]
    assert listed(page("?tab=claimable&correlationId=order-2")) == [tasks["soon"]]
    assert listed(page("?tab=claimable&priority=5")) == [tasks["late"], tasks["none"]]
    html = page("?tab=claimable&workflow=nope")
    assert listed(html) == [] and "Nothing matches these filters." in html
    assert 'Claimable<span class="ib-count">0</span>' in html
    # The tab links keep the filters.
    assert 'href="?workflow=nope&amp;tab=mine"' in page("?workflow=nope")


def test_sorting_by_due_priority_and_created(tasks) -> None:  # type: ignore[no-untyped-def]
    assert listed(page("?tab=claimable&sort=due")) == [tasks["late"], tasks["soon"], tasks["none"]]
    assert listed(page("?tab=claimable&sort=priority")) == [tasks["late"], tasks["none"], tasks["soon"]]
    assert listed(page("?tab=claimable&sort=created")) == [tasks["late"], tasks["soon"], tasks["none"]]
    assert listed(page("?tab=claimable&sort=-created")) == [tasks["none"], tasks["soon"], tasks["late"]]
    assert '<option value="due" selected>' in page("?tab=claimable&sort=due")


@pytest.mark.parametrize(("query", "words"), [
    ("priority=high", "priority: &#x27;high&#x27; is not a whole number from 0 to 10"),
    ("priority=11", "priority: &#x27;11&#x27;"),
    ("sort=%3Cscript%3E", "sort: &#x27;&lt;script&gt;&#x27; is not one of due, priority, created, -created"),
    ("overdue=maybe", "overdue: &#x27;maybe&#x27; is not 1 or 0"),
    ("workflow=" + "x" * 300, "workflow: longer than 255 characters"),
])
def test_a_bad_filter_value_is_named_and_ignored_never_a_500(tasks, query: str, words: str) -> None:  # type: ignore[no-untyped-def]
    html = page(f"?tab=claimable&{query}", status=400)
    assert 'id="ib-errors"' in html and words in html
    assert len(listed(html)) == 3  # the bad filter is ignored, the list still shows
    assert "<script>" not in html.split("<main", 1)[-1].split("</main>", 1)[0]


def test_done_lists_a_late_decision_under_overdue(tasks) -> None:  # type: ignore[no-untyped-def]
    from orchestrator.humantasks import service

    ann = User.objects.get(username="ann")
    for key in ("late", "soon"):
        service.claim(tasks[key], ann)
        service.decide(tasks[key], ann, approve=True, data={})
    assert sorted(listed(page("?tab=done"))) == sorted([tasks["late"], tasks["soon"]])
    html = page("?tab=done&overdue=1")
    assert listed(html) == [tasks["late"]] and "decided late" in html
    assert HumanTask.objects.get(task_id=tasks["late"]).decided_at is not None


def test_a_long_list_shows_its_first_rows_and_says_how_many_there_are(tasks, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from orchestrator.humantasks import listing

    monkeypatch.setattr(listing, "PAGE_ROWS", 2)
    html = page("?tab=claimable")
    assert len(listed(html)) == 2 and "Showing the first 2 of 3" in html
    assert 'Claimable<span class="ib-count">3</span>' in html
    assert "Showing the first" not in page("?tab=claimable&priority=5")
