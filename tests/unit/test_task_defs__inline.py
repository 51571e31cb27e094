"""A WorkflowTask's inline `taskDefinition` wins over the registered TaskDef (Conductor's
MetadataMapperService fills one in only when the task carries none); without either, a worker
task runs with Conductor's TaskDef defaults (responseTimeoutSeconds 3600, retryCount 3)."""

from __future__ import annotations

from orchestrator.engine.status import TaskStatus
from orchestrator.engine.task_defs import task_definition

from .harness import Execution, simple, workflow


def test_inline_task_definition_sets_the_response_timeout_of_an_unregistered_worker_task() -> None:
    ex = Execution(workflow(simple("a", "work", taskDefinition={"responseTimeoutSeconds": 10, "retryCount": 0})))
    ex.decide()
    assert ex.task("a").response_timeout_seconds == 10
    ex.poll("a")
    ex.advance(11)
    ex.decide()
    assert ex.task("a").status == TaskStatus.TIMED_OUT
    assert ex.status == "TIMED_OUT"  # retryCount 0 and the default timeoutPolicy TIME_OUT_WF


def test_inline_task_definition_wins_over_the_registered_one() -> None:
    doc = workflow(simple("a", "work", taskDefinition={"name": "work", "responseTimeoutSeconds": 10}),
                   simple("b", "other"))
    ex = Execution(doc, {}, {"work": {"name": "work", "responseTimeoutSeconds": 30},
                             "other": {"name": "other", "responseTimeoutSeconds": 20}})
    ex.decide()
    assert ex.task("a").response_timeout_seconds == 10
    ex.poll("a")
    ex.complete("a")
    assert ex.task("b").response_timeout_seconds == 20


def test_without_any_task_definition_a_worker_task_gets_conductor_s_defaults() -> None:
    ex = Execution(workflow(simple("a", "work")))
    ex.decide()
    assert ex.task("a").response_timeout_seconds == 3600


def test_inline_documents_keep_defaults_for_absent_or_ill_typed_fields() -> None:
    tdef = task_definition({"retryCount": "3", "responseTimeoutSeconds": 0, "timeoutPolicy": "RETRY",
                            "pollTimeoutSeconds": 5, "retryDelaySeconds": True}, "work")
    assert (tdef.name, tdef.retry_count, tdef.response_timeout_seconds) == ("work", 3, 3600)
    assert (tdef.timeout_policy, tdef.poll_timeout_seconds, tdef.retry_delay_seconds) == ("RETRY", 5, 60)
