"""What one worker hop costs in SQL statements: claim, and update-v2 (complete + claim next);
and what a start costs.

The claim records a "task started" event; that must not cost a statement of its own on
PostgreSQL (it is folded into the claim statement).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orchestrator.engine.results import TaskResult
from orchestrator.engine.status import TaskStatus
from orchestrator.services import definitions, tasks, workflows

pytestmark = [pytest.mark.db_tier, pytest.mark.django_db]

# Lock the workflow by task; load the open tasks, with "is another worker task pending?" as an
# EXISTS in the same statement (a separate count until the perf branch: 9 statements then); look
# up the next node, insert it, update the finished task, update the workflow, append the
# events, claim the next task.
HOP_STATEMENTS = 8

DOC = {"name": "db_hop", "version": 1, "tasks": [
    {"name": "db_hop_t", "taskReferenceName": "a"}, {"name": "db_hop_t", "taskReferenceName": "b"}]}


def _statements(ctx: CaptureQueriesContext) -> list[str]:
    # SAVEPOINTs of nested atomic() blocks are not work; count the statements that are.
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))]


def test_a_claim_is_one_statement_plus_its_workflow_row(start) -> None:  # type: ignore[no-untyped-def]
    start(DOC)
    with CaptureQueriesContext(connection) as ctx:
        claimed = tasks.claim("db_hop_t", "w1", 1)
    assert [t.ref for t in claimed] == ["a"]
    assert len(_statements(ctx)) == 2, _statements(ctx)


def test_an_update_v2_hop_is_eight_statements(start) -> None:  # type: ignore[no-untyped-def]
    start(DOC)
    first = tasks.claim("db_hop_t", "w1", 1)[0]
    with CaptureQueriesContext(connection) as ctx:
        done, following = tasks.update_and_claim_next(first.id, TaskResult(status=TaskStatus.COMPLETED, worker_id="w1"))
    assert done.status == TaskStatus.COMPLETED and following is not None and following.ref == "b"
    assert len(_statements(ctx)) == HOP_STATEMENTS, "\n".join(_statements(ctx))


def test_logs_posted_with_a_result_are_one_insert(start) -> None:  # type: ignore[no-untyped-def]
    start(DOC)
    first = tasks.claim("db_hop_t", "w1", 1)[0]
    logs = [{"log": f"line {i}"} for i in range(5)]
    with CaptureQueriesContext(connection) as ctx:
        tasks.update_and_claim_next(first.id, TaskResult(status=TaskStatus.COMPLETED, worker_id="w1"), logs)
    assert len(_statements(ctx)) == HOP_STATEMENTS + 1


# The definition, checked unchanged together with its snapshot in one statement (this process
# started it before), then the new workflow row inserted with its first decision's columns, its
# first task and the events. No savepoint, no load of a new execution's (no) tasks, no update of
# the row just inserted, no read of the definition's JSON.
START_STATEMENTS = ["orchestrator_workflowdef", "INSERT INTO \"executions_workflow\"",
                    "INSERT INTO \"executions_task\"", "INSERT INTO \"executions_executionevent\""]


def test_a_start_is_four_statements(db: None) -> None:
    definitions.save_workflow_def(DOC, overwrite=True)
    workflows.start(workflows.StartRequest(name="db_hop"))  # this process knows the definition from here on
    with CaptureQueriesContext(connection) as ctx:
        workflow_id = workflows.start(workflows.StartRequest(name="db_hop", input={"k": 1}))
    sql = _statements(ctx)
    # The test's own transaction makes `workflows.start`'s block a savepoint; the runtime adds none.
    savepoints = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SAVEPOINT")]
    assert len(savepoints) == 1, savepoints
    assert len(sql) == len(START_STATEMENTS), "\n".join(sql)
    assert all(part in q for part, q in zip(START_STATEMENTS, sql, strict=True)), "\n".join(sql)
    assert "executions_definitionsnapshot" in sql[0]  # the snapshot's existence, in the same statement
    row = workflows.get(workflow_id)
    assert (row.status, row.input, row.seq) == ("RUNNING", {"k": 1}, 1)
    assert [t.ref for t in workflows.tasks_of(workflow_id)] == ["a"]


def test_a_changed_definition_is_read_again_at_the_next_start(db: None) -> None:
    definitions.save_workflow_def(DOC, overwrite=True)
    first = workflows.start(workflows.StartRequest(name="db_hop"))
    changed = {**DOC, "tasks": [*DOC["tasks"], {"name": "db_hop_t", "taskReferenceName": "c"}]}
    definitions.save_workflow_def(changed, overwrite=True)
    second = workflows.start(workflows.StartRequest(name="db_hop"))
    snapshots = [workflows.get(w).snapshot for w in (first, second)]
    assert [len(s.definition["tasks"]) for s in snapshots] == [2, 3]
