"""Which system tasks retry: every one with a registered TaskDef asking for it, except Conductor's
control tasks, which never do.

CONDUCTOR.md §3 (retryCount), §4 ("Built-in control tasks ... are never retried"); Conductor's
DeciderService.retry (no TaskDef → no retries for a system task).
"""

from __future__ import annotations

import pytest

from orchestrator.systemtasks import registry

from .harness import Execution, fork, join, node, simple, workflow

CONTROL = ["SWITCH", "DECISION", "FORK_JOIN", "FORK_JOIN_DYNAMIC", "JOIN", "DO_WHILE", "EXCLUSIVE_JOIN",
           "SET_VARIABLE", "TERMINATE", "DYNAMIC"]
RETRIABLE = ["SIMPLE", "INLINE", "LAMBDA", "JSON_JQ_TRANSFORM", "NOOP", "WAIT", "HUMAN", "HTTP", "SUB_WORKFLOW",
             "START_WORKFLOW", "EVENT"]


def test_control_tasks_are_never_retriable_and_the_rest_are() -> None:
    assert [t for t in CONTROL if registry.get(t).retriable] == []
    assert [t for t in RETRIABLE if not registry.get(t).retriable] == []
    assert set(CONTROL) | set(RETRIABLE) == set(registry.TYPES) - {"USER_DEFINED"}


def test_jq_retries_per_its_task_def_and_then_fails_the_workflow() -> None:
    doc = workflow(node("JSON_JQ_TRANSFORM", "jq", inputParameters={"queryExpression": ".a.b.c", "a": "str"}))
    ex = Execution(doc, {}, {"jq": {"name": "jq", "retryCount": 2, "retryDelaySeconds": 30}})
    attempts = ex.attempts("jq")
    assert [(t.status.value, t.retry_count) for t in attempts] == [("FAILED", 0), ("FAILED", 1), ("FAILED", 2)]
    # Sync system tasks start as soon as they are scheduled (as in Conductor); the delay is recorded.
    assert attempts[1].start_delay_seconds == 30 and len(ex.outcomes) == 1
    assert ex.status == "FAILED"


def test_a_retried_inline_can_succeed() -> None:
    doc = workflow(node("INLINE", "calc", inputParameters={
        "expression": "if ($.prev !== 1) { throw new Error('not yet') } 'ok'", "prev": "${calc.retryCount}"}),
        simple("after", inputParameters={"r": "${calc.output.result}"}))
    ex = Execution(doc, {}, {"calc": {"name": "calc", "retryCount": 5, "retryDelaySeconds": 0}})
    assert ex.history() == [("calc", "FAILED"), ("calc", "FAILED"), ("calc", "COMPLETED"), ("after", "SCHEDULED")]
    assert dict(ex.task("after").input) == {"r": "ok"}


def test_a_terminal_script_error_is_not_retried() -> None:
    doc = workflow(node("INLINE", "calc", inputParameters={"expression": "this is not js("}))
    ex = Execution(doc, {}, {"calc": {"name": "calc", "retryCount": 3}})
    assert ex.history() == [("calc", "FAILED_WITH_TERMINAL_ERROR")]


def test_the_node_retry_count_overrides_the_task_def_of_a_system_task() -> None:
    doc = workflow(node("INLINE", "calc", retryCount=1, inputParameters={"expression": "throw 1"}))
    ex = Execution(doc, {}, {"calc": {"name": "calc", "retryCount": 3}})
    assert len(ex.attempts("calc")) == 2


@pytest.mark.parametrize("retry_count", [0, 3])
def test_a_failed_join_is_not_retried_even_with_a_task_def(retry_count: int) -> None:
    doc = workflow(fork("f", [simple("p", permissive=True)]), join("j", "p"))
    ex = Execution(doc, {}, {"p": {"name": "p", "retryCount": 0}, "j": {"name": "j", "retryCount": retry_count}})
    ex.fail("p", "x")
    assert ex.history() == [("f", "COMPLETED"), ("p", "FAILED"), ("j", "FAILED")]
    assert ex.status == "FAILED"
