"""A SKIPPED row (the skip-task API) is passed over when the flow reaches it (test-harness #15).

The skip API inserts the row already processed, so the decider never schedules its successors
early; it only steps over it when the preceding task finishes.
"""

from __future__ import annotations

from dataclasses import replace

from orchestrator.engine.model import TaskState
from orchestrator.engine.status import TaskStatus

from .harness import Execution, simple, workflow


def skip(ex: Execution, ref: str, output: dict | None = None) -> None:
    ex.counter += 1
    seq = ex.wf.seq + 1
    ex.tasks.append(TaskState(task_id=f"skip-{ex.counter}", ref=ref, node_ref=ref, task_type="SIMPLE", def_name=ref,
                              status=TaskStatus.SKIPPED, seq=seq, scheduled_time=ex.now, end_time=ex.now,
                              output=output or {}, processed=True))
    ex.wf = replace(ex.wf, seq=seq)


def test_skipped_task_is_passed_over_after_the_previous_task_completes() -> None:
    ex = Execution(workflow(simple("t1"), simple("t2"), simple("t3", inputParameters={"s": "${t2.output.s}"})))
    skip(ex, "t2", {"s": "from skip request"})
    assert ex.decide().is_empty
    assert ex.statuses() == {"t1": "SCHEDULED", "t2": "SKIPPED"}
    ex.complete("t1")
    assert ex.statuses() == {"t1": "COMPLETED", "t2": "SKIPPED", "t3": "SCHEDULED"}
    assert ex.task("t3").input["s"] == "from skip request"
    ex.complete("t3")
    assert ex.status == "COMPLETED"


def test_consecutive_skipped_tasks_are_all_passed_over() -> None:
    ex = Execution(workflow(simple("t1"), simple("t2"), simple("t3"), simple("t4")))
    skip(ex, "t2")
    skip(ex, "t3")
    ex.complete("t1")
    assert ex.scheduled() == ["t4"]


def test_skipping_the_last_task_completes_the_workflow() -> None:
    ex = Execution(workflow(simple("t1"), simple("t2")))
    skip(ex, "t2")
    ex.complete("t1", {"v": 1})
    assert ex.status == "COMPLETED"
