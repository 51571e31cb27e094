"""Rows ⇄ engine values: derived from the dataclass fields, so nothing is listed twice."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime

import pytest

from executions import store
from executions.models import Task, Workflow
from executions.store import mapping
from orchestrator.engine.model import TaskDefinition, TaskState, WorkflowState
from orchestrator.engine.status import TaskStatus
from orchestrator.services import definitions, workflows

pytestmark = [pytest.mark.db_tier, pytest.mark.django_db]

NOW = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
DOC = {"name": "db_map", "version": 1, "tasks": [{"name": "db_map_t", "taskReferenceName": "a"}]}


def test_every_task_state_field_is_a_task_column_and_every_workflow_state_field_a_workflow_column() -> None:
    task_columns = {f.name for f in Task._meta.get_fields()}
    assert set(mapping.STATE_COLUMNS) <= task_columns
    assert set(mapping.STATE_COLUMNS) == {f.name for f in fields(TaskState)} - {"task_id"}
    workflow_columns = {f.name for f in Workflow._meta.get_fields()}
    assert set(mapping.WORKFLOW_COLUMNS) <= workflow_columns
    assert set(mapping.WORKFLOW_COLUMNS) == {f.name for f in fields(WorkflowState)} - {
        "workflow_id", "status", "tasks", "pending_elsewhere"}


def test_a_task_state_survives_a_round_trip_through_its_row(start) -> None:  # type: ignore[no-untyped-def]
    wf_id = start(DOC)
    row = Task.objects.get(workflow_id=wf_id, ref="a")
    state = TaskState(
        task_id=row.id, ref="a", node_ref="a", task_type="SIMPLE", def_name="db_map_t",
        status=TaskStatus.IN_PROGRESS, seq=1, scheduled_time=NOW, input={"x": [1, {"y": None}]},
        output={"z": "w"}, retry_count=0, iteration=0, start_time=NOW, update_time=NOW, available_at=NOW,
        callback_after_seconds=7, start_delay_seconds=3, poll_count=2, worker_id="w9", reason="why",
        retried=False, retried_task_id="older", processed=False, domain="d", sub_workflow_id=None,
        response_timeout_seconds=42, dynamic_node={"name": "n"}, dynamic_parent="p",
    )
    Task.objects.filter(pk=row.id).update(**store.row_values(state))
    back = store.to_state(Task.objects.get(pk=row.id))
    assert back == state
    stored = Task.objects.get(pk=row.id)
    assert stored.open is True and stored.lease_deadline == NOW.replace(second=47)


def test_task_def_defaults_are_written_once_on_the_engine_dataclass() -> None:
    assert store.task_definition({"name": "x"}) == TaskDefinition(name="x")
    defaults = TaskDefinition(name="x")
    assert definitions.TASK_DEF_DEFAULTS["retryCount"] == defaults.retry_count
    assert definitions.TASK_DEF_DEFAULTS["responseTimeoutSeconds"] == defaults.response_timeout_seconds
    assert definitions.TASK_DEF_DEFAULTS["retryDelaySeconds"] == defaults.retry_delay_seconds
    assert definitions.TASK_DEF_DEFAULTS["inputTemplate"] == {} and definitions.TASK_DEF_DEFAULTS["inputKeys"] == []
    given = store.task_definition({"name": "y", "retryCount": 5, "retryLogic": "EXPONENTIAL_BACKOFF",
                                   "responseTimeoutSeconds": 0, "pollTimeoutSeconds": 0, "timeoutSeconds": "9",
                                   "inputTemplate": {"k": 1}})
    assert (given.retry_count, given.retry_logic, given.input_template) == (5, "EXPONENTIAL_BACKOFF", {"k": 1})
    # Bad values fall back to the defaults; a zero response timeout is clamped to one second.
    assert (given.response_timeout_seconds, given.poll_timeout_seconds, given.timeout_seconds) == (1, None, 0)


def test_load_state_reads_the_workflow_row_into_the_engine_state(start) -> None:  # type: ignore[no-untyped-def]
    wf_id = start(DOC, {"n": 1})
    row = Workflow.objects.get(pk=wf_id)
    state = store.load_state(row)
    assert (state.workflow_id, state.name, state.input, state.seq) == (wf_id, "db_map", {"n": 1}, 1)
    assert [t.ref for t in state.tasks] == ["a"]
    assert workflows.get(wf_id).snapshot.definition["name"] == "db_map"
