"""YIELD (Orkes' name for a task parked until a signal) is WAIT under another name."""

from __future__ import annotations

from datetime import timedelta

from orchestrator.engine.validation import check_workflow_def
from orchestrator.systemtasks import registry
from orchestrator.systemtasks.registry import REGISTRY

from .harness import T0, Execution, node, simple, workflow


def test_yield_is_accepted_by_validation_with_wait_rules() -> None:
    assert check_workflow_def(workflow(node("YIELD", "y")), REGISTRY) == []
    (p,) = check_workflow_def(workflow(node("YIELD", "y", inputParameters={"duration": "10 parsecs"})), REGISTRY)
    assert p.id == "WF.E049"


def test_yield_parks_until_completed_from_outside() -> None:
    ex = Execution(workflow(node("YIELD", "y"), simple("after", inputParameters={"v": "${y.output.v}"})))
    assert ex.statuses() == {"y": "IN_PROGRESS"} and ex.next_wakeup is None
    ex.advance(3600)
    ex.decide()
    assert ex.statuses() == {"y": "IN_PROGRESS"}
    ex.complete("y", {"v": 1})
    assert ex.task("after").input == {"v": 1}
    assert ex.task("y").task_type == "YIELD"  # the row keeps the name the definition used


def test_yield_with_a_duration_completes_by_itself() -> None:
    ex = Execution(workflow(node("YIELD", "y", inputParameters={"duration": "30s"})))
    assert ex.next_wakeup == T0 + timedelta(seconds=30)
    ex.advance(30)
    ex.decide()
    assert ex.status == "COMPLETED"


def test_the_signal_endpoints_find_a_yield_as_a_blocking_task() -> None:
    yield_type = registry.get("YIELD")
    assert yield_type is registry.get("WAIT") and REGISTRY.known("YIELD")
    assert yield_type.waits_for_signal({}) and not yield_type.waits_for_signal({"duration": "1s"})
    assert not registry.is_worker_type("YIELD") and registry.wire_task_type("YIELD", "y") == "YIELD"
