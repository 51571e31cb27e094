"""On PostgreSQL the Claimable tab and its count are one query with every claim guard in SQL
(tabs.claimable_query); it must allow exactly what the transition table allows
(`transitions.refusal("claim", ...)` over `service.facts`) for every kind of task and person:
named users, groups, open to all, four-eyes (starter, earlier decider), N-of-M voters."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from executions.models import Task
from orchestrator.humantasks import listing, service, tabs, transitions
from orchestrator.humantasks.models import HumanTask
from orchestrator.services import definitions, workflows

pytestmark = [pytest.mark.db_tier, pytest.mark.django_db]


def run(name: str, by: str = "req", steps: int = 1, **inputs: Any) -> str:
    definitions.save_workflow_def({"name": name, "version": 1, "tasks": [
        {"name": "h", "taskReferenceName": f"h{i}", "type": "HUMAN", "inputParameters": inputs}
        for i in range(1, steps + 1)]}, overwrite=True)
    return workflows.start(workflows.StartRequest(name=name, input={}, created_by=by))


def task_of(wf_id: str, ref: str = "h1") -> str:
    return str(Task.objects.get(workflow_id=wf_id, ref=ref).id)


@pytest.fixture()
def people() -> dict[str, User]:
    fin, ops = Group.objects.create(name="fin"), Group.objects.create(name="ops")
    users = {n: User.objects.create_user(n, password="pw") for n in ("ann", "bob", "req", "eve", "oz")}
    for n in ("ann", "bob", "req"):
        users[n].groups.add(fin)
    users["oz"].groups.add(ops)
    return users


def by_python(user: User) -> set[str]:
    actor = service.actor_of(user)
    return {r.task_id for r in HumanTask.objects.filter(status="OPEN")
            if transitions.refusal("claim", service.facts(r), actor) is None}


def by_sql(user: User) -> set[str]:
    return set(tabs.claimable_query(user, service.actor_of(user)).values_list("task_id", flat=True))


def test_the_claimable_query_allows_exactly_what_the_transition_table_allows(people) -> None:  # type: ignore[no-untyped-def]
    run("cq_group", groups=["fin"])
    run("cq_user", assignees=["bob", "oz"])
    run("cq_all")
    run("cq_nobody", assignees=[])
    run("cq_4e_start", groups=["fin"], fourEyes=True)  # started by req: not req's
    run("cq_4e_other", by="oz", groups=["fin"], fourEyes=True)
    two = run("cq_4e_two", by="oz", steps=2, groups=["fin"], fourEyes=True)
    service.claim(task_of(two), people["ann"])
    service.decide(task_of(two), people["ann"], approve=True)  # h2: not ann's any more
    voted = run("cq_vote", by="oz", groups=["fin", "ops"], approvals={"required": 2})
    service.claim(task_of(voted), people["bob"])
    service.decide(task_of(voted), people["bob"], approve=True)  # one vote: open again, not bob's
    service.claim(task_of(run("cq_claimed", groups=["fin"])), people["req"])  # claimed: nobody's
    service.sync()
    assert HumanTask.objects.filter(status="OPEN").count() == 8
    seen = {}
    for name, user in people.items():
        seen[name] = by_sql(user)
        assert seen[name] == by_python(user), name
    # the guards did bite (the equality above is not between two empty sets)
    assert task_of(two, "h2") in seen["bob"] and task_of(two, "h2") not in seen["ann"]
    assert task_of(voted) in seen["ann"] and task_of(voted) not in seen["bob"] and task_of(voted) in seen["oz"]
    assert len(seen["req"]) < len(seen["bob"]) and len(seen["eve"]) == 1  # eve: the open-to-all task only


def test_the_counts_are_count_queries_and_match_the_lists(people) -> None:  # type: ignore[no-untyped-def]
    for i in range(3):
        run(f"cq_n{i}", groups=["fin"])
    service.claim(task_of(run("cq_mine", groups=["fin"])), people["ann"])
    numbers = service.counts(people["ann"])  # syncs first
    assert numbers == {"mine": 1, "claimable": 3, "done": 0}
    actor = service.actor_of(people["ann"])
    with CaptureQueriesContext(connection) as ctx:
        assert tabs.counts(people["ann"], actor, listing.Query(), timezone.now(), service.facts) == numbers
    assert len(ctx.captured_queries) == 3 and all("COUNT(" in q["sql"] for q in ctx.captured_queries)
    lists = service.inbox(people["ann"])
    assert {k: len(v) for k, v in lists.items()} == numbers
    tab, rows, counted = service.inbox_tab(people["ann"], None, listing.Query(), timezone.now())
    assert (tab, [r.task_id for r in rows], counted) == ("mine", [r.task_id for r in lists["mine"]], numbers)



def test_the_python_guards_where_sql_cannot_json_agree_with_the_sql(people, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """SQLite's path (guards in Python over the first CLAIMABLE_LIMIT open rows) gives the same
    rows and counts, here on PostgreSQL with the SQL path switched off."""
    run("cq_py_group", groups=["fin"])
    run("cq_py_4e", groups=["fin"], fourEyes=True)
    run("cq_py_ops", groups=["ops"])
    service.sync()
    expected = {name: (service.counts(u), [r.task_id for r in service.inbox(u)["claimable"]])
                for name, u in people.items()}
    monkeypatch.setattr(tabs, "_in_sql", lambda: False)
    for name, user in people.items():
        assert (service.counts(user), [r.task_id for r in service.inbox(user)["claimable"]]) == expected[name], name
    assert expected["req"][0]["claimable"] == 1 and expected["ann"][0]["claimable"] == 2
