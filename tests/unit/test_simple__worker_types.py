"""SIMPLE, USER_DEFINED and unknown types are worker tasks; NOOP completes in the decider.

CONDUCTOR.md §2 ("Unknown types are treated as SIMPLE/USER_DEFINED") and §4 NOOP.
"""

from __future__ import annotations

import pytest

from orchestrator.systemtasks import registry
from orchestrator.systemtasks.registry import wire_task_type

from .harness import Execution, node, simple, workflow


@pytest.mark.parametrize("type_", ["SIMPLE", "USER_DEFINED", "SOMETHING_NEW", "my_custom_type"])
def test_worker_types_wait_for_a_worker(type_: str) -> None:
    ex = Execution(workflow({"name": "q", "taskReferenceName": "w", "type": type_}, simple("next")))
    assert ex.statuses() == {"w": "SCHEDULED"} and ex.pollable("w")
    ex.complete("w", {"ok": 1})
    assert ex.statuses() == {"w": "COMPLETED", "next": "SCHEDULED"}


def test_missing_type_defaults_to_simple() -> None:
    ex = Execution(workflow({"name": "q", "taskReferenceName": "w"}))
    assert ex.task("w").task_type == "SIMPLE" and ex.pollable("w")


def test_runtime_task_type_of_a_worker_task_is_its_definition_name() -> None:
    assert wire_task_type("SIMPLE", "send_email") == "send_email"
    assert wire_task_type("FORK_JOIN", "fork") == "FORK"
    assert wire_task_type("SWITCH", "sw") == "SWITCH"
    assert registry.get("FORK_JOIN").retriable is False and registry.get("SIMPLE").retriable is True


def test_registry_answers_unknown_types_with_the_worker_type() -> None:
    assert registry.get("NO_SUCH_TYPE") is registry.get("SIMPLE") is registry.get("USER_DEFINED")
    assert not registry.is_worker_type("NOOP") and registry.is_worker_type("NO_SUCH_TYPE")


def test_noop_completes_at_once_with_empty_output() -> None:
    ex = Execution(workflow(node("NOOP", "n1"), node("NOOP", "n2"), simple("after")))
    assert ex.statuses() == {"n1": "COMPLETED", "n2": "COMPLETED", "after": "SCHEDULED"}
    assert dict(ex.task("n1").output) == {} and len(ex.outcomes) == 1


def test_workflow_of_only_sync_tasks_completes_in_one_evaluation() -> None:
    ex = Execution(workflow(node("NOOP", "n"), node("SET_VARIABLE", "s", inputParameters={"a": 1}),
                            node("INLINE", "i", inputParameters={"expression": "2"})))
    assert ex.status == "COMPLETED" and dict(ex.wf.output) == {"result": 2}
    assert len(ex.outcomes) == 1
    assert [t.seq for t in ex.tasks] == [1, 2, 3] and ex.wf.seq == 3
