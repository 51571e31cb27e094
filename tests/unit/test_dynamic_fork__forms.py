"""FORK_JOIN_DYNAMIC starts one task per entry of a list only known at run time; the JOIN after
it waits for exactly those tasks.

CONDUCTOR.md §4 FORK_JOIN_DYNAMIC (three input forms, runtime type FORK, JOIN `joinOn` = the
generated refs, empty list) and test-harness #22.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from orchestrator.engine.run import task_doc
from orchestrator.engine.status import TaskStatus
from orchestrator.systemtasks.registry import REGISTRY

from .harness import Execution, join, node, simple, workflow


def dynamic_fork(ref: str = "df", **extra: Any) -> dict[str, Any]:
    return node("FORK_JOIN_DYNAMIC", ref, **extra)


def list_form(tasks: Any = "${workflow.input.tasks}", inputs: Any = "${workflow.input.inputs}") -> dict[str, Any]:
    return workflow(
        dynamic_fork(dynamicForkTasksParam="dynamicTasks", dynamicForkTasksInputParamName="dynamicTasksInput",
                     inputParameters={"dynamicTasks": tasks, "dynamicTasksInput": inputs}),
        join("j"),
        simple("after", inputParameters={"joined": "${j.output}"}),
    )


TASKS = [simple("d1", "worker"), simple("d2", "worker", inputParameters={"wf": "${workflow.input.tag}"})]
INPUTS = {"d1": {"n": 1}, "d2": {"n": 2}}


def test_list_form_starts_every_task_with_its_input_and_joins_them() -> None:
    ex = Execution(list_form(), {"tasks": TASKS, "inputs": INPUTS, "tag": "x"})
    assert ex.history() == [("df", "COMPLETED"), ("d1", "SCHEDULED"), ("d2", "SCHEDULED"), ("j", "IN_PROGRESS")]
    # The dynamic task's own inputParameters are resolved, and the fork's entry added to them.
    assert dict(ex.task("d1").input) == {"n": 1}
    assert dict(ex.task("d2").input) == {"wf": "x", "n": 2}
    assert dict(ex.task("j").input) == {"joinOn": ["d1", "d2"]}
    d1 = ex.task("d1")
    assert (d1.task_type, d1.def_name, d1.dynamic_parent, d1.dynamic_node["taskReferenceName"]) == (
        "SIMPLE", "worker", "df", "d1")
    assert ex.pollable("d1") and ex.pollable("d2")
    ex.complete("d2", {"r": 2})
    assert ex.statuses()["j"] == "IN_PROGRESS"
    ex.complete("d1", {"r": 1})
    assert ex.statuses()["j"] == "COMPLETED"
    assert dict(ex.task("after").input) == {"joined": {"d1": {"r": 1}, "d2": {"r": 2}}}


def test_the_fork_task_records_what_it_forked_and_reads_as_fork() -> None:
    ex = Execution(list_form(), {"tasks": TASKS, "inputs": INPUTS})
    fork_task = ex.task("df")
    assert fork_task.input["forkedTasks"] == ["d1", "d2"]
    assert [t["taskReferenceName"] for t in fork_task.input["forkedTaskDefs"]] == ["d1", "d2"]
    assert task_doc(fork_task, "wf-1", REGISTRY)["taskType"] == "FORK"
    assert dict(fork_task.output) == {"forkedTasks": ["d1", "d2"]}


def test_simple_form_with_fork_task_name_and_inputs() -> None:
    doc = workflow(dynamic_fork(inputParameters={"forkTaskName": "resize", "forkTaskInputs": "${workflow.input.images}"}),
                   join("j"))
    ex = Execution(doc, {"images": [{"url": "a"}, {"url": "b"}, "c"]})
    assert ex.refs() == ["df", "_resize_0", "_resize_1", "_resize_2", "j"]
    assert [dict(ex.task(f"_resize_{i}").input) for i in range(3)] == [
        {"url": "a", "__index": 0}, {"url": "b", "__index": 1}, {"input": "c", "__index": 2}]
    assert {ex.task(f"_resize_{i}").def_name for i in range(3)} == {"resize"}
    for i in range(3):
        ex.complete(f"_resize_{i}", {"i": i})
    assert ex.status == "COMPLETED"
    assert dict(ex.wf.output) == {f"_resize_{i}": {"i": i} for i in range(3)}


def test_simple_form_of_sub_workflows_gives_each_child_its_entry_as_input() -> None:
    doc = workflow(dynamic_fork(inputParameters={"forkTaskWorkflow": "child", "forkTaskWorkflowVersion": 2,
                                                 "forkTaskInputs": [{"k": 1}]}), join("j"))
    ex = Execution(doc)
    child = ex.task("_child_0")
    assert child.task_type == "SUB_WORKFLOW" and child.status.value == "SCHEDULED"
    assert child.input["subWorkflowName"] == "child" and child.input["subWorkflowVersion"] == 2
    assert child.input["workflowInput"] == {"k": 1, "__index": 0}


def test_legacy_single_parameter_form() -> None:
    doc = workflow(
        dynamic_fork(dynamicForkJoinTasksParam="dynamic", inputParameters={"dynamic": {"dynamicTasks": [
            {"taskName": "worker", "referenceName": "r1", "input": {"k": 1}},
            {"taskName": "other", "referenceName": "r2", "type": "SIMPLE"},
        ]}}),
        join("j"),
    )
    ex = Execution(doc)
    assert ex.refs() == ["df", "r1", "r2", "j"]
    assert (ex.task("r1").def_name, dict(ex.task("r1").input)) == ("worker", {"k": 1})
    assert (ex.task("r2").def_name, dict(ex.task("r2").input)) == ("other", {})


def test_empty_list_completes_the_join_with_empty_output() -> None:
    ex = Execution(list_form(), {"tasks": [], "inputs": {}})
    assert ex.history() == [("df", "COMPLETED"), ("j", "COMPLETED"), ("after", "SCHEDULED")]
    assert dict(ex.task("j").output) == {} and dict(ex.task("after").input) == {"joined": {}}


def test_dynamic_system_tasks_finish_in_the_same_decide() -> None:
    tasks = [node("INLINE", "i1", inputParameters={"expression": "$.n * 2"}),
             node("INLINE", "i2", inputParameters={"expression": "$.n * 2"})]
    ex = Execution(list_form(tasks, {"i1": {"n": 1}, "i2": {"n": 5}}))
    assert ex.statuses()["j"] == "COMPLETED" and len(ex.outcomes) == 1
    assert dict(ex.task("j").output) == {"i1": {"result": 2}, "i2": {"result": 10}}


def test_optional_dynamic_task_failure_completes_the_join_with_errors() -> None:
    tasks = [simple("d1", "worker", optional=True), simple("d2", "worker")]
    ex = Execution(list_form(tasks, {}), {}, {"worker": {"name": "worker", "retryCount": 0}})
    ex.fail("d1", "meh")
    ex.complete("d2", {"ok": 1})
    assert ex.statuses()["j"] == "COMPLETED_WITH_ERRORS" and ex.scheduled() == ["after"]
    assert ex.failed_refs == ["d1"]


def test_wide_dynamic_fork_checks_the_join_with_one_count_per_decide() -> None:
    width = 300
    tasks = [simple(f"d{i}", "worker") for i in range(width)]
    ex = Execution(list_form(tasks, {}))
    for i in range(width):
        ex.complete(f"d{i}", {"i": i})
    assert ex.statuses()["j"] == "COMPLETED" and len(ex.task("j").output) == width
    assert max(ex.lookups[1:]) <= 3
    assert max(ex.open_counts) <= width + 2


def test_dynamic_fork_inside_a_loop_suffixes_the_generated_refs() -> None:
    doc = workflow(node("DO_WHILE", "loop", loopCondition="$.loop['iteration'] < 2", loopOver=[
        dynamic_fork(dynamicForkTasksParam="dynamicTasks", dynamicForkTasksInputParamName="dynamicTasksInput",
                     inputParameters={"dynamicTasks": [simple("d", "worker")], "dynamicTasksInput": {"d": {"k": 1}}}),
        join("j"),
    ]))
    ex = Execution(doc)
    assert ex.scheduled() == ["d__1"] and dict(ex.task("d__1").input) == {"k": 1}
    ex.complete("d__1", {"i": 1})
    assert ex.statuses()["j__1"] == "COMPLETED" and ex.scheduled() == ["d__2"]
    ex.complete("d__2", {"i": 2})
    assert ex.status == "COMPLETED" and dict(ex.task("j__2").output) == {"d__2": {"i": 2}}


def test_a_branch_result_checks_the_join_once() -> None:
    """The JOIN's check counts the fork's finished branches in the database; a decision after a
    branch result makes it once (after working off the result), not also before."""
    tasks = [simple(f"d{i}", "worker") for i in range(1, 4)]
    ex = Execution(list_form(), {"tasks": tasks, "inputs": {}})
    ex.complete("d1")  # processed: from now on only the database knows it finished
    polled = ex.poll("d2")
    ex._put(replace(polled, status=TaskStatus.COMPLETED, end_time=ex.now))
    outcome, history = ex.evaluate()
    assert history.children_counts == 1
    ex.apply(outcome)
    assert ex.statuses()["j"] == "IN_PROGRESS"
    ex.complete("d3")
    assert ex.statuses()["j"] == "COMPLETED"
