"""Enforced schemas beyond a worker's input (issue 9): a WorkflowDef's outputSchema, and the
TaskDef schemas of server-run task types (INLINE, JSON_JQ_TRANSFORM, ...).

As in Conductor, a TaskDef whose name is a system task's `name` applies to it (CONDUCTOR.md §3:
retries; Orkes: its schemas): the resolved input is checked before the task runs and the output
after; a violation fails the task terminally with the path and the rule.
"""

from __future__ import annotations

from typing import Any

from orchestrator.engine.model import TaskDefinition
from orchestrator.engine.schemas import SchemaRef
from orchestrator.engine.status import TaskStatus
from orchestrator.schemas.validation import CachedSchemas

from .harness import Execution, node, simple, workflow

QUOTE = {"type": "object", "required": ["total"], "properties": {"total": {"type": "number", "minimum": 0}}}
RESULT = {"type": "object", "required": ["result"], "properties": {"result": {"type": "integer"}}}
INLINE_IN = {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}}
REGISTERED = {SchemaRef("quote", 1): QUOTE, SchemaRef("result", 1): RESULT, SchemaRef("inline_in", 1): INLINE_IN}


def registry() -> CachedSchemas:
    def load(ref: SchemaRef) -> tuple[Any, Any] | None:
        return (1, REGISTERED[ref]) if ref in REGISTERED else None

    return CachedSchemas(load)


def enforced(output: str = "quote", **extra: Any) -> dict[str, Any]:
    return {"enforceSchema": True, "outputSchema": {"name": output, "version": 1}, **extra}


def priced(total: Any, **wf: Any) -> Execution:
    doc = workflow(simple("price"), outputParameters={"total": "${price.output.total}"}, **wf)
    ex = Execution(doc, {}, schemas=registry())
    ex.complete("price", {"total": total})
    return ex


# -- the workflow's outputSchema ---------------------------------------------------------------
def test_a_conforming_workflow_output_completes() -> None:
    ex = priced(12, **enforced())
    assert ex.status == "COMPLETED" and ex.wf.output == {"total": 12}


def test_a_breaking_workflow_output_fails_the_run_naming_path_and_rule() -> None:
    ex = priced("12", **enforced())
    assert ex.status == "FAILED"
    assert ex.wf.reason == ("Workflow output does not match schema 'quote' version 1: "
                            "$.total: '12' is not of type 'number' (type)")
    assert ex.wf.output == {"total": "12"}  # kept: it shows what broke the schema
    assert ex.task("price").status == TaskStatus.COMPLETED


def test_without_enforce_schema_the_workflow_output_is_not_checked() -> None:
    assert priced("12", outputSchema={"name": "quote", "version": 1}).status == "COMPLETED"
    assert priced("12", enforceSchema=False, outputSchema={"name": "quote", "version": 1}).status == "COMPLETED"


def test_the_last_tasks_output_is_checked_when_there_are_no_output_parameters() -> None:
    ex = Execution(workflow(simple("price"), **enforced()), {}, schemas=registry())
    ex.complete("price", {"total": -1})
    assert ex.status == "FAILED" and "$.total: -1 is less than the minimum of 0 (minimum)" in (ex.wf.reason or "")


def test_an_unregistered_workflow_output_schema_fails_closed() -> None:
    ex = priced(1, enforceSchema=True, outputSchema={"name": "gone", "version": 2})
    assert ex.status == "FAILED" and "schema 'gone' version 2 is not registered" in (ex.wf.reason or "")


def test_a_failed_output_starts_the_failure_workflow() -> None:
    ex = priced(-5, **enforced(failureWorkflow="cleanup"))
    assert ex.status == "FAILED" and ex.last.workflow is not None and ex.last.workflow.start_failure_workflow


def test_a_terminate_task_completing_the_run_is_checked_too() -> None:
    stop = node("TERMINATE", "stop", inputParameters={"terminationStatus": "COMPLETED",
                                                      "workflowOutput": {"total": "none"}})
    ex = Execution(workflow(stop, **enforced()), {}, schemas=registry())
    assert ex.status == "FAILED" and "$.total" in (ex.wf.reason or "")


def test_a_run_that_fails_for_another_reason_keeps_that_reason() -> None:
    doc = workflow(simple("price"), outputParameters={"total": "${price.output.total}"}, **enforced())
    ex = Execution(doc, {"retries": 0}, {"price": {"name": "price", "retryCount": 0}}, schemas=registry())
    ex.fail("price", "worker broke")
    assert ex.status == "FAILED" and "worker broke" in (ex.wf.reason or "") and "schema" not in (ex.wf.reason or "")


# -- system tasks' TaskDef schemas --------------------------------------------------------------
def inline(expression: str, **params: Any) -> dict[str, Any]:
    return node("INLINE", "calc", inputParameters={"evaluatorType": "graaljs", "expression": expression, **params})


def calc_def(**schemas: Any) -> TaskDefinition:
    return TaskDefinition(name="calc", retry_count=2, retry_delay_seconds=0, enforce_schema=True, **schemas)


def test_an_inline_output_that_breaks_its_output_schema_fails_terminally() -> None:
    ex = Execution(workflow(inline("'seven'"), simple("after")), {}, {"calc": calc_def(output_schema=SchemaRef("result", 1))},
                   schemas=registry())
    task = ex.task("calc")
    assert task.status == TaskStatus.FAILED_WITH_TERMINAL_ERROR
    assert task.reason == ("Task output does not match schema 'result' version 1: "
                           "$.result: 'seven' is not of type 'integer' (type)")
    assert task.output == {"result": "seven"}
    assert len(ex.attempts("calc")) == 1  # retryCount 2 did not apply
    assert ex.status == "FAILED" and ex.failed_refs == ["calc"] and "after" not in ex.refs()


def test_a_conforming_inline_output_goes_on() -> None:
    ex = Execution(workflow(inline("6 * 7"), simple("after")), {}, {"calc": calc_def(output_schema=SchemaRef("result", 1))},
                   schemas=registry())
    assert ex.task("calc").status == TaskStatus.COMPLETED and ex.task("after").status == TaskStatus.SCHEDULED


def test_an_inline_input_that_breaks_its_input_schema_never_runs() -> None:
    schema = {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}}
    REGISTERED[SchemaRef("inline_in", 1)] = schema
    ex = Execution(workflow(inline("$.a + 1", a="${workflow.input.a}")), {"a": "x"},
                   {"calc": calc_def(input_schema=SchemaRef("inline_in", 1))}, schemas=registry())
    task = ex.task("calc")
    assert task.status == TaskStatus.FAILED_WITH_TERMINAL_ERROR and task.output == {}  # the script did not run
    assert task.reason == "Task input does not match schema 'inline_in' version 1: $.a: 'x' is not of type 'integer' (type)"


def test_an_optional_system_task_breaking_its_output_schema_lets_the_run_go_on() -> None:
    ex = Execution(workflow(inline("'x'", ), simple("after")), {}, {"calc": calc_def(output_schema=SchemaRef("result", 1))},
                   schemas=registry())
    assert ex.status == "FAILED"
    doc = workflow({**inline("'x'"), "optional": True}, simple("after"))
    ex = Execution(doc, {}, {"calc": calc_def(output_schema=SchemaRef("result", 1))}, schemas=registry())
    assert ex.task("calc").status == TaskStatus.COMPLETED_WITH_ERRORS
    assert ex.task("after").status == TaskStatus.SCHEDULED


def test_a_jq_transform_output_is_checked_against_an_inline_task_definition() -> None:
    jq = node("JSON_JQ_TRANSFORM", "calc", inputParameters={"queryExpression": ".v", "v": "${workflow.input.v}"},
              taskDefinition={"name": "calc", **enforced("result")})
    assert Execution(workflow(jq), {"v": 3}, schemas=registry()).status == "COMPLETED"
    ex = Execution(workflow(jq), {"v": [3]}, schemas=registry())
    assert ex.task("calc").status == TaskStatus.FAILED_WITH_TERMINAL_ERROR
    assert "$.result: [3] is not of type 'integer' (type)" in (ex.task("calc").reason or "")


def test_without_enforce_schema_a_system_tasks_schemas_are_not_checked() -> None:
    tdef = TaskDefinition(name="calc", output_schema=SchemaRef("result", 1))
    ex = Execution(workflow(inline("'seven'")), {}, {"calc": tdef}, schemas=registry())
    assert ex.status == "COMPLETED"


def test_control_tasks_ignore_a_task_def_of_their_name() -> None:
    sw = node("SWITCH", "calc", evaluatorType="value-param", expression="k", inputParameters={"k": "a"},
              decisionCases={"a": [simple("after")]})
    ex = Execution(workflow(sw), {}, {"calc": calc_def(input_schema=SchemaRef("inline_in", 1),
                                                       output_schema=SchemaRef("result", 1))}, schemas=registry())
    assert ex.task("calc").status == TaskStatus.COMPLETED and ex.task("after").status == TaskStatus.SCHEDULED


def test_a_rerun_inline_with_a_breaking_input_fails_before_running() -> None:
    ex = Execution(workflow(inline("$.a + 1", a="${workflow.input.a}")), {"a": 1},
                   {"calc": calc_def(input_schema=SchemaRef("inline_in", 1))}, schemas=registry())
    assert ex.status == "COMPLETED" and ex.task("calc").output == {"result": 2}
    ex.rerun("calc", {"a": "one", "evaluatorType": "graaljs", "expression": "$.a + 1"})
    task = ex.task("calc")
    assert task.status == TaskStatus.FAILED_WITH_TERMINAL_ERROR and task.output == {}
    assert "$.a: 'one' is not of type 'integer' (type)" in (task.reason or "")
