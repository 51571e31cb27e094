"""DYNAMIC runs the worker task named by an input parameter, in the DYNAMIC node's place.

CONDUCTOR.md §4 DYNAMIC (scheduled as that task, uses its def; unknown name → workflow fails).
As in Conductor's DynamicTaskMapper there is one task: it keeps the node's ref, so expressions
and JOINs on that ref see the worker's result.
"""

from __future__ import annotations

from dataclasses import replace

from orchestrator.engine.run import task_doc
from orchestrator.systemtasks.registry import REGISTRY

from .harness import Execution, fork, join, node, simple, workflow

DEFS = {"resize": {"name": "resize", "retryCount": 1, "retryDelaySeconds": 0, "inputTemplate": {"size": 64}}}


def dynamic_flow() -> dict:
    return workflow(
        node("DYNAMIC", "dyn", dynamicTaskNameParam="taskToExecute",
             inputParameters={"taskToExecute": "${workflow.input.task}", "url": "${workflow.input.url}"}),
        simple("after", inputParameters={"out": "${dyn.output}", "by": "${dyn.taskType}"}),
    )


def test_the_named_task_runs_in_the_dynamic_nodes_place() -> None:
    ex = Execution(dynamic_flow(), {"task": "resize", "url": "u"}, DEFS)
    assert ex.history() == [("dyn", "SCHEDULED")]
    task = ex.task("dyn")
    assert (task.task_type, task.def_name, task.node_ref) == ("SIMPLE", "resize", "dyn")
    assert dict(task.input) == {"taskToExecute": "resize", "url": "u", "size": 64}
    assert task_doc(task, "wf-1", REGISTRY)["taskType"] == "resize"
    assert ex.pollable("dyn")
    ex.complete("dyn", {"small": "s"})
    assert dict(ex.task("after").input) == {"out": {"small": "s"}, "by": "resize"}


def test_retries_follow_the_named_tasks_definition() -> None:
    ex = Execution(dynamic_flow(), {"task": "resize", "url": "u"}, DEFS)
    ex.fail("dyn", "once")
    assert [(t.status.value, t.retry_count, t.def_name) for t in ex.attempts("dyn")] == [
        ("FAILED", 0, "resize"), ("SCHEDULED", 1, "resize")]
    assert ex.task("dyn").dynamic_node is not None
    ex.fail("dyn", "twice")
    assert ex.status == "FAILED" and len(ex.attempts("dyn")) == 2


def test_a_name_without_a_task_definition_fails_the_workflow() -> None:
    ex = Execution(dynamic_flow(), {"task": "nope"}, DEFS)
    assert ex.history() == [("dyn", "FAILED_WITH_TERMINAL_ERROR")]
    assert ex.task("dyn").reason == "Invalid task specified. Cannot find task by name nope in the task definitions"
    assert ex.status == "FAILED"


def test_a_missing_name_fails_the_workflow() -> None:
    ex = Execution(dynamic_flow(), {}, DEFS)
    assert ex.status == "FAILED"
    assert ex.task("dyn").reason == "input 'taskToExecute' must name the task to run"


def test_the_named_tasks_domain_applies() -> None:
    ex = Execution(dynamic_flow(), {"task": "resize"}, DEFS, start=False)
    ex.wf = replace(ex.wf, task_to_domain={"resize": "gpu"})
    ex.decide()
    assert ex.task("dyn").domain == "gpu"


def test_a_join_on_a_dynamic_task_waits_for_the_worker() -> None:
    doc = workflow(
        fork("f", [node("DYNAMIC", "dyn", dynamicTaskNameParam="t", inputParameters={"t": "resize"})], [simple("b")]),
        join("j", "dyn", "b"),
    )
    ex = Execution(doc, {}, DEFS)
    ex.complete("b", {"b": 1})
    assert ex.statuses()["j"] == "IN_PROGRESS"
    ex.complete("dyn", {"d": 1})
    assert ex.status == "COMPLETED" and dict(ex.wf.output) == {"dyn": {"d": 1}, "b": {"b": 1}}


def test_dynamic_inside_a_loop_runs_once_per_iteration() -> None:
    doc = workflow(node("DO_WHILE", "loop", loopCondition="$.loop['iteration'] < 2", loopOver=[
        node("DYNAMIC", "dyn", dynamicTaskNameParam="t", inputParameters={"t": "resize"})]))
    ex = Execution(doc, {}, DEFS)
    ex.complete("dyn__1", {"i": 1})
    ex.complete("dyn__2", {"i": 2})
    assert ex.status == "COMPLETED"
    assert dict(ex.task("loop").output) == {"iteration": 2, "1": {"dyn": {"i": 1}}, "2": {"dyn": {"i": 2}}}
