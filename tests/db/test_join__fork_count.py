"""The JOIN after a dynamic fork: what a branch completion costs does not grow with the fork.

Each completion asks "are all branches finished?". The store answers with a count of the
fork's finished children (by dynamic parent, under `task_fork_child_idx`), never with a list of
every branch ref, so the statements of one completion are the same text for 5 branches as
for 60.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orchestrator.engine.results import TaskResult
from orchestrator.engine.status import TaskStatus
from orchestrator.services import tasks, workflows

pytestmark = [pytest.mark.db_tier, pytest.mark.django_db]

DOC = {"name": "db_fork", "version": 1, "tasks": [
    {"name": "fork", "taskReferenceName": "df", "type": "FORK_JOIN_DYNAMIC",
     "dynamicForkTasksParam": "dynamicTasks", "dynamicForkTasksInputParamName": "dynamicTasksInput",
     "inputParameters": {"dynamicTasks": "${workflow.input.tasks}", "dynamicTasksInput": "${workflow.input.inputs}"}},
    {"name": "join", "taskReferenceName": "j", "type": "JOIN"},
    {"name": "db_fork_after", "taskReferenceName": "after", "inputParameters": {"joined": "${j.output}"}},
]}


def _fan_out(start, n: int) -> str:  # type: ignore[no-untyped-def]
    branches = [{"name": "db_fork_w", "taskReferenceName": f"br{i}", "type": "SIMPLE"} for i in range(n)]
    return start(DOC, {"tasks": branches, "inputs": {f"br{i}": {"i": i} for i in range(n)}})


def _done(task_id: str, output: dict | None = None) -> None:  # type: ignore[type-arg]
    tasks.update(task_id, TaskResult(status=TaskStatus.COMPLETED, output=output or {}, worker_id="w"))


def _one_completion_sql(start, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    _fan_out(start, n)
    claimed = tasks.claim("db_fork_w", "w", n)
    assert len(claimed) == n
    _done(claimed[0].id)
    with CaptureQueriesContext(connection) as ctx:
        _done(claimed[1].id)
    # Ids and times differ between runs; the shape of the statements must not.
    work = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    return [re.sub(r"\b\d+\b", "N", re.sub(r"'[^']*'", "?", sql)) for sql in work]


def test_a_branch_completion_issues_the_same_statements_for_5_and_60_branches(start) -> None:  # type: ignore[no-untyped-def]
    small = _one_completion_sql(start, 5)
    large = _one_completion_sql(start, 60)
    assert small == large
    assert not any("br59" in q or "br3" in q for q in large)


def test_the_join_completes_only_after_the_last_branch_with_every_output(start) -> None:  # type: ignore[no-untyped-def]
    workflow_id = _fan_out(start, 30)
    claimed = {t.ref: t.id for t in tasks.claim("db_fork_w", "w", 30)}
    for i in range(29):
        _done(claimed[f"br{i}"], {"i": i})
    by_ref = {t.ref: t for t in workflows.tasks_of(workflow_id)}
    assert by_ref["j"].status == "IN_PROGRESS" and "after" not in by_ref
    _done(claimed["br29"], {"i": 29})
    by_ref = {t.ref: t for t in workflows.tasks_of(workflow_id)}
    assert by_ref["j"].status == "COMPLETED"
    assert by_ref["j"].output == {f"br{i}": {"i": i} for i in range(30)}
    assert by_ref["after"].status == "SCHEDULED"


def test_a_failed_branch_that_will_be_retried_keeps_the_join_waiting(start) -> None:  # type: ignore[no-untyped-def]
    from orchestrator.services import definitions

    definitions.save_task_defs([{"name": "db_fork_w", "retryCount": 1, "retryDelaySeconds": 0}])
    workflow_id = _fan_out(start, 3)
    claimed = {t.ref: t.id for t in tasks.claim("db_fork_w", "w", 3)}
    _done(claimed["br0"])
    _done(claimed["br1"])
    tasks.update(claimed["br2"], TaskResult(status=TaskStatus.FAILED, reason="flaky", worker_id="w"))
    by_ref = {t.ref: t for t in workflows.tasks_of(workflow_id) if not t.retried}
    assert by_ref["j"].status == "IN_PROGRESS" and by_ref["br2"].status == "SCHEDULED"
    retry = tasks.claim("db_fork_w", "w", 1)[0]
    assert retry.ref == "br2" and retry.retry_count == 1
    _done(retry.id)
    by_ref = {t.ref: t for t in workflows.tasks_of(workflow_id) if not t.retried}
    assert by_ref["j"].status == "COMPLETED"
