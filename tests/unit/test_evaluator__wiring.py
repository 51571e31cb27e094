"""Parameter wiring through the evaluator: task inputs resolved at scheduling, output at the end.

CONDUCTOR.md §5 and test-harness cases #1, #2 and #18.
"""

from __future__ import annotations

from orchestrator.engine.model import TaskDefinition

from .harness import Execution, simple, workflow


def two_task_workflow() -> dict:
    """test-harness #1: t2 gets the workflow input, t1's output and its own id."""
    return workflow(
        simple("t1", "task_1", inputParameters={"p1": "${workflow.input.param1}", "p2": "${workflow.input.param2}"}),
        simple("t2", "task_2", inputParameters={
            "tp1": "${workflow.input.param1}", "tp2": "${t1.output.op}", "tp3": "${CPEWF_TASK_ID}",
        }),
        outputParameters={"o1": "${workflow.input.param1}", "o2": "${t2.output.uuid}", "o3": "${t1.output.op}"},
    )


def test_start_schedules_only_the_first_task_with_resolved_input() -> None:
    ex = Execution(two_task_workflow(), {"param1": "p1 value", "param2": "p2 value"})
    assert ex.statuses() == {"t1": "SCHEDULED"}
    assert dict(ex.task("t1").input) == {"p1": "p1 value", "p2": "p2 value"}
    assert ex.status == "RUNNING"


def test_completing_t1_schedules_t2_wired_to_input_output_and_own_id() -> None:
    ex = Execution(two_task_workflow(), {"param1": "p1 value", "param2": "p2 value"})
    ex.complete("t1", {"op": "task1.done"})
    t2 = ex.task("t2")
    assert ex.statuses() == {"t1": "COMPLETED", "t2": "SCHEDULED"}
    assert dict(t2.input) == {"tp1": "p1 value", "tp2": "task1.done", "tp3": t2.task_id}


def test_completing_the_last_task_completes_with_resolved_output() -> None:
    ex = Execution(two_task_workflow(), {"param1": "p1 value", "param2": "p2 value"})
    ex.complete("t1", {"op": "task1.done"})
    ex.complete("t2", {"uuid": "u-1"})
    assert ex.status == "COMPLETED"
    assert dict(ex.wf.output) == {"o1": "p1 value", "o2": "u-1", "o3": "task1.done"}
    assert ex.last.workflow is not None and ex.last.workflow.end_time == ex.now


def test_task_ids_come_from_the_id_callable_in_scheduling_order() -> None:
    ex = Execution(two_task_workflow(), {"param1": "a"})
    ex.complete("t1", {"op": "x"})
    assert [t.task_id for t in ex.tasks] == ["t1", "t2"]
    assert [t.seq for t in ex.tasks] == [1, 2]
    assert ex.wf.seq == 2


def test_worker_task_runtime_fields_at_scheduling() -> None:
    ex = Execution(two_task_workflow(), {"param1": "a"})
    t1 = ex.task("t1")
    assert (t1.node_ref, t1.def_name, t1.task_type) == ("t1", "task_1", "SIMPLE")
    assert t1.scheduled_time == ex.now and t1.available_at == ex.now
    assert (t1.retry_count, t1.iteration, t1.poll_count, t1.start_time) == (0, 0, 0, None)


def test_null_workflow_input_and_literal_null_parameter_stay_null() -> None:
    doc = workflow(simple("t1", inputParameters={"fromInput": "${workflow.input.missing}", "literal": None,
                                                 "present": "${workflow.input.nothing}"}))
    ex = Execution(doc, {"nothing": None})
    assert dict(ex.task("t1").input) == {"fromInput": None, "literal": None, "present": None}


def test_nulls_inside_a_task_output_are_preserved_downstream() -> None:
    doc = workflow(simple("t1"), simple("t2", inputParameters={"whole": "${t1.output}", "inner": "${t1.output.m}"}))
    ex = Execution(doc)
    ex.complete("t1", {"m": {"a": None, "b": [None, 1]}, "n": None})
    assert dict(ex.task("t2").input) == {
        "whole": {"m": {"a": None, "b": [None, 1]}, "n": None}, "inner": {"a": None, "b": [None, 1]},
    }


def test_typed_whole_value_and_string_interpolation() -> None:
    doc = workflow(simple("t1"), simple("t2", inputParameters={
        "n": "${t1.output.n}", "list": "${t1.output.list}", "text": "n=${t1.output.n}, s=${t1.output.s}",
        "literal": 5, "nested": {"x": ["${t1.output.n}", {"y": "${t1.output.s}"}]},
    }))
    ex = Execution(doc)
    ex.complete("t1", {"n": 3, "list": [1, 2], "s": "hi"})
    assert dict(ex.task("t2").input) == {
        "n": 3, "list": [1, 2], "text": "n=3, s=hi", "literal": 5, "nested": {"x": [3, {"y": "hi"}]},
    }


def test_task_document_fields_are_visible_to_later_tasks() -> None:
    doc = workflow(simple("t1", "def_1"), simple("t2", inputParameters={
        "status": "${t1.status}", "ref": "${t1.referenceTaskName}", "type": "${t1.taskType}",
        "def": "${t1.taskDefName}", "id": "${t1.taskId}", "wf": "${t1.workflowInstanceId}",
        "retry": "${t1.retryCount}", "polls": "${t1.pollCount}", "worker": "${t1.workerId}",
    }))
    ex = Execution(doc)
    ex.complete("t1", {})
    assert dict(ex.task("t2").input) == {
        "status": "COMPLETED", "ref": "t1", "type": "def_1", "def": "def_1", "id": "t1", "wf": "wf-1",
        "retry": 0, "polls": 1, "worker": "w1",
    }


def test_workflow_document_fields() -> None:
    doc = workflow(simple("t1", inputParameters={
        "id": "${workflow.workflowId}", "type": "${workflow.workflowType}", "version": "${workflow.version}",
        "status": "${workflow.status}", "schema": "${workflow.schemaVersion}", "vars": "${workflow.variables}",
    }), variables={"v": 1})
    ex = Execution(doc)
    assert dict(ex.task("t1").input) == {
        "id": "wf-1", "type": "wf", "version": 1, "status": "RUNNING", "schema": 2, "vars": {"v": 1},
    }


def test_references_to_tasks_not_yet_run_resolve_to_null() -> None:
    doc = workflow(simple("t1", inputParameters={"later": "${t2.output.x}", "unknown": "${nope.output}"}),
                   simple("t2"))
    ex = Execution(doc)
    assert dict(ex.task("t1").input) == {"later": None, "unknown": None}


def test_an_older_task_is_read_from_history() -> None:
    doc = workflow(simple("t1"), simple("t2"), simple("t3", inputParameters={"first": "${t1.output.v}"}))
    ex = Execution(doc)
    ex.complete("t1", {"v": "from t1"})
    ex.complete("t2", {})
    assert ex.task("t1") not in ex.open_tasks()
    assert ex.task("t3").input["first"] == "from t1"


def test_task_def_input_template_fills_absent_and_null_keys_only() -> None:
    """test-harness #18: the TaskDef's inputTemplate supplies defaults."""
    doc = workflow(simple("t1", "templated", inputParameters={"given": "mine", "nulled": "${workflow.input.x}"}))
    defs = {"templated": {"name": "templated", "inputTemplate": {
        "given": "template", "nulled": "from template", "absent": {"deep": [1, 2]},
    }}}
    ex = Execution(doc, {}, defs)
    assert dict(ex.task("t1").input) == {"given": "mine", "nulled": "from template", "absent": {"deep": [1, 2]}}


def test_input_template_applies_to_every_node_using_the_def() -> None:
    doc = workflow(simple("a", "templated"), simple("b", "templated", inputParameters={"cfg": "mine"}))
    template = {"cfg": {"k": [1]}}
    ex = Execution(doc, {}, {"templated": TaskDefinition(name="templated", input_template=template)})
    ex.complete("a", {})
    assert ex.task("a").input["cfg"] == {"k": [1]}
    assert ex.task("b").input["cfg"] == "mine"


def test_unregistered_task_name_still_runs_with_defaults() -> None:
    ex = Execution(workflow(simple("t1", "never_registered")))
    t1 = ex.task("t1")
    assert t1.status.value == "SCHEDULED" and t1.response_timeout_seconds == 3600
    ex.complete("t1", {"ok": True})
    assert ex.status == "COMPLETED" and dict(ex.wf.output) == {"ok": True}


def test_response_timeout_is_copied_from_the_task_def() -> None:
    ex = Execution(workflow(simple("t1", "quick")), {}, {"quick": {"name": "quick", "responseTimeoutSeconds": 7}})
    assert ex.task("t1").response_timeout_seconds == 7


def test_start_delay_makes_a_new_task_pollable_later() -> None:
    ex = Execution(workflow(simple("t1", startDelay=30)))
    t1 = ex.task("t1")
    assert t1.start_delay_seconds == 30 and t1.available_at == ex.now.replace(second=30)
    assert not ex.pollable("t1")
    ex.advance(30)
    assert ex.pollable("t1")


def test_task_to_domain_sets_the_domain_of_worker_tasks() -> None:
    from dataclasses import replace

    ex = Execution(workflow(simple("t1", "a"), simple("t2", "b"), simple("t3", "c")), start=False)
    ex.wf = replace(ex.wf, task_to_domain={"a": "blue,green", "*": "gray", "c": "NO_DOMAIN"})
    ex.decide()
    ex.complete("t1")
    ex.complete("t2")
    assert [ex.task(r).domain for r in ("t1", "t2", "t3")] == ["blue", "gray", None]


def test_task_id_parameter_inside_text_and_nested_values() -> None:
    doc = workflow(simple("t1", inputParameters={"text": "id-${CPEWF_TASK_ID}", "nested": {"l": ["${CPEWF_TASK_ID}"]},
                                                 "escaped": "$${CPEWF_TASK_ID}"}))
    ex = Execution(doc)
    assert dict(ex.task("t1").input) == {"text": "id-t1", "nested": {"l": ["t1"]}, "escaped": "${CPEWF_TASK_ID}"}
