"""An enforced TaskDef inputSchema, checked by the engine on the resolved input (issue 9).

The schemas come through `Env.schemas`; here the pure adapter over an in-memory registry.
"""

from __future__ import annotations

from typing import Any

from orchestrator.engine.model import TaskDefinition
from orchestrator.engine.schemas import SchemaRef
from orchestrator.engine.status import TaskStatus
from orchestrator.schemas.validation import CachedSchemas

from .harness import Execution, simple, workflow

ORDER = {
    "type": "object",
    "required": ["order"],
    "properties": {"order": {"type": "object", "required": ["total"],
                             "properties": {"total": {"type": "number"}}}},
}
REGISTERED = {SchemaRef("order", 1): ORDER, SchemaRef("order", None): ORDER}


def registry() -> CachedSchemas:
    def load(ref: SchemaRef) -> tuple[Any, Any] | None:
        return (1, REGISTERED[ref]) if ref in REGISTERED else None

    return CachedSchemas(load)


def tax(enforce: bool = True, schema: SchemaRef = SchemaRef("order", 1), retries: int = 3) -> TaskDefinition:
    return TaskDefinition(name="tax", retry_count=retries, retry_delay_seconds=0, input_schema=schema,
                          enforce_schema=enforce)


def run(order: Any, tdef: TaskDefinition | None = None, **node: Any) -> Execution:
    doc = workflow(simple("calc", "tax", inputParameters={"order": "${workflow.input.order}"}, **node),
                   simple("after"))
    return Execution(doc, {"order": order}, {"tax": tdef or tax()}, schemas=registry())


def test_a_conforming_input_is_scheduled_for_the_worker() -> None:
    ex = run({"total": 12.5})
    assert ex.task("calc").status == TaskStatus.SCHEDULED
    ex.complete("calc")
    assert ex.task("after").status == TaskStatus.SCHEDULED


def test_a_breaking_input_fails_the_task_terminally_naming_path_and_rule() -> None:
    ex = run({"total": "12.50"})
    task = ex.task("calc")
    assert task.status == TaskStatus.FAILED_WITH_TERMINAL_ERROR
    assert task.reason == ("Task input does not match schema 'order' version 1: "
                           "$.order.total: '12.50' is not of type 'number' (type)")
    # retryCount 3 does not apply: the same input would fail the same way
    assert len(ex.attempts("calc")) == 1 and not task.retried
    assert ex.status == "FAILED" and "$.order.total" in (ex.wf.reason or "")
    assert ex.failed_refs == ["calc"] and "after" not in ex.refs()


def test_a_missing_property_is_named_with_its_parent_path() -> None:
    ex = run({})
    assert "$.order: 'total' is a required property (required)" in (ex.task("calc").reason or "")


def test_without_enforce_schema_the_schema_is_not_checked() -> None:
    ex = run({"total": "12.50"}, tax(enforce=False))
    assert ex.task("calc").status == TaskStatus.SCHEDULED


def test_an_optional_task_that_fails_its_schema_lets_the_workflow_go_on() -> None:
    ex = run({"total": "x"}, optional=True)
    assert ex.task("calc").status == TaskStatus.COMPLETED_WITH_ERRORS
    assert ex.task("after").status == TaskStatus.SCHEDULED


def test_an_unregistered_schema_fails_closed() -> None:
    ex = run({"total": 1}, tax(schema=SchemaRef("gone", 3)))
    assert ex.task("calc").reason == ("Task input does not match schema 'gone' version 3: "
                                      "$: schema 'gone' version 3 is not registered (schema)")


def test_an_env_without_a_registry_fails_an_enforced_task_rather_than_skipping_the_check() -> None:
    doc = workflow(simple("calc", "tax", inputParameters={"order": "${workflow.input.order}"}))
    ex = Execution(doc, {"order": {"total": 1}}, {"tax": tax()})
    assert ex.task("calc").status == TaskStatus.FAILED_WITH_TERMINAL_ERROR
    assert "is not available" in (ex.task("calc").reason or "")


def test_the_input_template_is_part_of_the_checked_input() -> None:
    doc = workflow(simple("calc", "tax"))
    tdef = TaskDefinition(name="tax", input_template={"order": {"total": 3}}, input_schema=SchemaRef("order"),
                          enforce_schema=True)
    ex = Execution(doc, {}, {"tax": tdef}, schemas=registry())
    assert ex.task("calc").status == TaskStatus.SCHEDULED


def test_an_inline_task_definition_enforces_its_own_schema() -> None:
    inline = {"name": "tax", "inputSchema": {"name": "order", "version": 1}, "enforceSchema": True}
    ex = run({"total": False}, TaskDefinition(name="tax"), taskDefinition=inline)
    assert ex.task("calc").status == TaskStatus.FAILED_WITH_TERMINAL_ERROR


def test_a_retry_after_an_ordinary_failure_is_checked_again() -> None:
    ex = run({"total": 1})
    ex.fail("calc")
    old, new = ex.attempts("calc")
    assert old.status == TaskStatus.FAILED and new.status == TaskStatus.SCHEDULED
