"""FORK_JOIN_DYNAMIC failures: bad input fails the workflow at scheduling, a failing dynamic task
fails it later, and retries (automatic or the retry operation) keep the dynamic task's identity.

CONDUCTOR.md §4 FORK_JOIN_DYNAMIC (input map not a map / invalid task list → workflow FAILED),
§6 retry, and test-harness #22.
"""

from __future__ import annotations

from typing import Any

import pytest

from .harness import Execution, node, simple
from .test_dynamic_fork__forms import list_form


@pytest.mark.parametrize(("tasks", "inputs", "reason"), [
    ("not a list", {}, "input 'dynamicTasks' must be a list of WorkflowTask objects"),
    (["just a name"], {}, "input 'dynamicTasks' must be a list of WorkflowTask objects"),
    ([simple("d1")], ["not", "a", "map"], "the dynamic fork task input map must be an object of ref -> input"),
    ([simple("d1"), simple("d1")], {}, "every dynamic task needs a unique taskReferenceName"),
    ([{"name": "x", "type": "SIMPLE"}], {}, "every dynamic task needs a unique taskReferenceName"),
    ([simple("after")], {}, "dynamic task refs must not repeat refs of the definition"),
    ([node("SWITCH", "s"), node("DO_WHILE", "l")], {}, "dynamic tasks cannot be of type DO_WHILE, SWITCH"),
    ([simple("d1"), simple("d2")], {"d1": 5, "d2": None}, "the input of a dynamic task must be an object: d1"),
])
def test_bad_dynamic_input_fails_the_workflow_at_scheduling(tasks: Any, inputs: Any, reason: str) -> None:
    ex = Execution(list_form(tasks, inputs))
    assert ex.history() == [("df", "FAILED_WITH_TERMINAL_ERROR")]
    assert ex.task("df").reason == reason
    assert ex.status == "FAILED" and reason in (ex.wf.reason or "")


def test_legacy_form_with_malformed_entries_fails_clearly() -> None:
    doc = list_form()
    doc["tasks"][0] = node("FORK_JOIN_DYNAMIC", "df", dynamicForkJoinTasksParam="dyn",
                           inputParameters={"dyn": {"dynamicTasks": ["w"]}})
    ex = Execution(doc)
    assert ex.status == "FAILED"
    assert ex.task("df").reason == "input 'dyn' must be an object with a dynamicTasks list of objects"


def test_simple_form_without_inputs_list_fails_clearly() -> None:
    doc = list_form()
    doc["tasks"][0] = node("FORK_JOIN_DYNAMIC", "df", inputParameters={"forkTaskName": "w", "forkTaskInputs": "x"})
    ex = Execution(doc)
    assert ex.status == "FAILED"
    assert ex.task("df").reason == "set dynamicForkTasksParam, or forkTaskName with a forkTaskInputs list"


def test_one_failing_dynamic_task_fails_the_workflow() -> None:
    tasks = [simple("d1", "worker"), simple("d2", "worker")]
    ex = Execution(list_form(tasks, {"d1": {"k": 1}}), {}, {"worker": {"name": "worker", "retryCount": 0}})
    ex.fail("d2", "no luck")
    assert ex.status == "FAILED"
    assert ex.statuses() == {"df": "COMPLETED", "d1": "CANCELED", "d2": "FAILED", "j": "CANCELED"}
    assert ex.wf.reason == f"Task {ex.task('d2').task_id} failed with status: FAILED and reason: 'no luck'"
    assert ex.failed_refs == ["d2"]


def test_automatic_retry_keeps_the_dynamic_node_and_input() -> None:
    # Passed as workflow input, the task's own inputParameters are resolved when it is scheduled
    # (written literally in the fork's inputParameters they would be resolved with the fork's).
    tasks = [simple("d1", "worker", inputParameters={"id": "${CPEWF_TASK_ID}"})]
    ex = Execution(list_form(), {"tasks": tasks, "inputs": {"d1": {"k": 1}}},
                   {"worker": {"name": "worker", "retryCount": 1, "retryDelaySeconds": 0}})
    first = ex.task("d1")
    assert dict(first.input) == {"id": first.task_id, "k": 1}
    ex.fail("d1", "once")
    second = ex.task("d1")
    assert (second.retry_count, second.retried_task_id) == (1, first.task_id)
    # Conductor's retry: the old input (with the fork's entry), own parameters resolved again.
    assert dict(second.input) == {"id": second.task_id, "k": 1}
    assert (second.dynamic_node, second.dynamic_parent, second.def_name) == (first.dynamic_node, "df", "worker")
    assert ex.statuses()["j"] == "IN_PROGRESS"
    ex.complete("d1", {"ok": True})
    assert ex.statuses()["j"] == "COMPLETED" and dict(ex.task("j").output) == {"d1": {"ok": True}}


def test_retry_operation_reopens_the_join_and_reschedules_the_dynamic_tasks() -> None:
    tasks = [simple("d1", "worker"), simple("d2", "worker")]
    ex = Execution(list_form(tasks, {"d1": {"k": 1}, "d2": {"k": 2}}), {}, {"worker": {"name": "worker", "retryCount": 0}})
    ex.complete("d1", {"r": 1})
    ex.fail("d2", "no luck")
    assert ex.status == "FAILED"
    ex.retry()
    assert ex.status == "RUNNING"
    assert ex.statuses() == {"df": "COMPLETED", "d1": "COMPLETED", "d2": "SCHEDULED", "j": "IN_PROGRESS"}
    d2 = ex.task("d2")
    assert dict(d2.input) == {"k": 2} and d2.dynamic_parent == "df" and d2.retry_count == 1
    ex.complete("d2", {"r": 2})
    assert ex.statuses()["j"] == "COMPLETED" and ex.scheduled() == ["after"]
    assert dict(ex.task("after").input) == {"joined": {"d1": {"r": 1}, "d2": {"r": 2}}}


def test_refs_already_used_by_an_earlier_dynamic_fork_fail_clearly() -> None:
    doc = list_form()
    doc["tasks"] += [node("FORK_JOIN_DYNAMIC", "df2", dynamicForkTasksParam="t", inputParameters={"t": "${workflow.input.tasks}"}),
                     node("JOIN", "j2")]
    ex = Execution(doc, {"tasks": [simple("d1", "worker")], "inputs": {}})
    ex.complete("d1")
    ex.complete("after")
    assert ex.statuses()["df2"] == "FAILED_WITH_TERMINAL_ERROR"
    assert ex.task("df2").reason == "dynamic task refs already used in this workflow: d1"
    assert ex.status == "FAILED"
