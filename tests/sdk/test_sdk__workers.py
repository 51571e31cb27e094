"""The unmodified conductor-python 2.0.0 SDK against a live Baton (PostgreSQL, Redis, Celery).

Workers are `@worker_task` functions run by the SDK's own TaskHandler in a separate process;
definitions go in through MetadataClient and executions start through WorkflowClient.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live import ROOT, Stack

pytestmark = pytest.mark.sdk

WORKFLOW = {
    "name": "sdk_everything",
    "version": 1,
    "schemaVersion": 2,
    "tasks": [
        {"name": "sdk_greet", "taskReferenceName": "greet", "inputParameters": {"name": "${workflow.input.name}"}},
        {"name": "route", "taskReferenceName": "route", "type": "SWITCH", "evaluatorType": "graaljs",
         "expression": "$.len > 3 ? 'long' : 'short'", "inputParameters": {"len": "${greet.output.length}"},
         "decisionCases": {"long": [{"name": "sdk_double", "taskReferenceName": "dbl_long",
                                     "inputParameters": {"value": "${greet.output.length}"}}]},
         "defaultCase": [{"name": "sdk_double", "taskReferenceName": "dbl_short", "inputParameters": {"value": 1}}]},
        {"name": "fork", "taskReferenceName": "fork", "type": "FORK_JOIN", "forkTasks": [
            [{"name": "sdk_flaky", "taskReferenceName": "flaky", "inputParameters": {"key": "${workflow.workflowId}"}}],
            [{"name": "sum", "taskReferenceName": "sum", "type": "JSON_JQ_TRANSFORM",
              "inputParameters": {"queryExpression": ".a + .b", "a": 1, "b": "${dbl_long.output.value}"}}]]},
        {"name": "join", "taskReferenceName": "join", "type": "JOIN", "joinOn": ["flaky", "sum"]},
        {"name": "shout", "taskReferenceName": "shout", "type": "INLINE",
         "inputParameters": {"evaluatorType": "javascript", "expression": "$.g.toUpperCase() + '!'",
                             "g": "${greet.output.greeting}"}},
    ],
    "outputParameters": {"shout": "${shout.output.result}", "sum": "${sum.output.result}",
                         "attempts": "${flaky.output.attempts}", "joined": "${join.output}"},
}

FATAL = {
    "name": "sdk_fatal_wf", "version": 1, "schemaVersion": 2,
    "tasks": [{"name": "sdk_fatal", "taskReferenceName": "fatal", "inputParameters": {"key": "${workflow.workflowId}"}}],
}


@pytest.fixture(scope="module")
def sdk(pg_stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The live stack, with task and workflow definitions registered and SDK workers running."""
    marks = tmp_path_factory.mktemp("marks")
    env = {**pg_stack.sdk_env(), "BATON_TEST_MARKS": str(marks)}
    os.environ.update({k: v for k, v in pg_stack.sdk_env().items() if k.startswith("CONDUCTOR_")})
    from conductor.client.configuration.configuration import Configuration
    from conductor.client.http.models.task_def import TaskDef
    from conductor.client.http.models.workflow_def import WorkflowDef
    from conductor.client.orkes_clients import OrkesClients

    clients = OrkesClients(Configuration())
    metadata = clients.get_metadata_client()
    for name in ("sdk_greet", "sdk_double", "sdk_flaky", "sdk_fatal"):
        metadata.register_task_def(TaskDef(name=name, retry_count=2, retry_delay_seconds=0,
                                           timeout_seconds=60, response_timeout_seconds=30))
    api_client = metadata.metadataResourceApi.api_client
    for doc in (WORKFLOW, FATAL):
        metadata.update_workflow_def(api_client.deserialize_class(doc, WorkflowDef), overwrite=True)
    log = open(marks / "workers.log", "wb")  # noqa: SIM115
    workers = subprocess.Popen([sys.executable, str(Path(__file__).parent / "sdk_workers.py")], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield pg_stack
    finally:
        os.killpg(workers.pid, 15)
        workers.wait(timeout=20)
        log.close()


def _wait(workflow_client, workflow_id: str, timeout: float = 60):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        wf = workflow_client.get_workflow(workflow_id, include_tasks=True)
        if wf.status not in ("RUNNING", "PAUSED") or time.monotonic() > deadline:
            return wf
        time.sleep(0.2)


def _clients():  # type: ignore[no-untyped-def]
    from conductor.client.configuration.configuration import Configuration
    from conductor.client.orkes_clients import OrkesClients

    return OrkesClients(Configuration())


def test_registered_definitions_read_back_through_metadata_client(sdk: Stack) -> None:
    metadata = _clients().get_metadata_client()
    wf = metadata.get_workflow_def("sdk_everything", version=1)
    assert [t.task_reference_name for t in wf.tasks] == ["greet", "route", "fork", "join", "shout"]
    td = metadata.get_task_def("sdk_flaky")
    assert td.retry_count == 2 and td.retry_delay_seconds == 0
    assert "sdk_fatal_wf" in {d.name for d in metadata.get_all_workflow_defs()}


def test_workers_complete_a_workflow_with_wiring_switch_fork_inline_jq_and_a_retry(sdk: Stack) -> None:
    from conductor.client.http.models.start_workflow_request import StartWorkflowRequest

    workflows = _clients().get_workflow_client()
    workflow_id = workflows.start_workflow(
        StartWorkflowRequest(name="sdk_everything", version=1, input={"name": "Baton"}, correlation_id=str(uuid.uuid4()))
    )
    wf = _wait(workflows, workflow_id)
    assert wf.status == "COMPLETED", (wf.reason_for_incompletion, [(t.reference_task_name, t.status) for t in wf.tasks])
    assert wf.output["shout"] == "HELLO BATON!"
    assert wf.output["sum"] == 11  # 1 + 2 * len("Baton")
    assert wf.output["attempts"] == 2
    assert wf.output["joined"]["sum"] == {"result": 11, "resultList": [11]}
    flaky = [t for t in wf.tasks if t.reference_task_name == "flaky"]
    assert [t.status for t in flaky] == ["FAILED", "COMPLETED"]
    assert flaky[0].reason_for_incompletion.startswith("transient failure")
    assert [t.retry_count for t in flaky] == [0, 1]
    assert "dbl_short" not in {t.reference_task_name for t in wf.tasks}


def test_non_retryable_exception_fails_the_workflow_without_retrying(sdk: Stack) -> None:
    from conductor.client.http.models.start_workflow_request import StartWorkflowRequest

    workflows = _clients().get_workflow_client()
    workflow_id = workflows.start_workflow(StartWorkflowRequest(name="sdk_fatal_wf", version=1, input={}))
    wf = _wait(workflows, workflow_id)
    assert wf.status == "FAILED"
    assert [t.status for t in wf.tasks] == ["FAILED_WITH_TERMINAL_ERROR"]
    assert "this input can never work" in wf.reason_for_incompletion
    assert wf.failed_reference_task_names in (["fatal"], {"fatal"})


def test_workflow_client_pause_resume_terminate_and_status(sdk: Stack) -> None:
    from conductor.client.http.models.start_workflow_request import StartWorkflowRequest

    workflows = _clients().get_workflow_client()
    # a queue no worker listens on keeps this workflow parked
    doc = {"name": "sdk_parked", "version": 1, "tasks": [{"name": "nobody_polls", "taskReferenceName": "p"}]}
    from conductor.client.http.models.workflow_def import WorkflowDef

    metadata = _clients().get_metadata_client()
    metadata.update_workflow_def(metadata.metadataResourceApi.api_client.deserialize_class(doc, WorkflowDef), True)
    workflow_id = workflows.start_workflow(StartWorkflowRequest(name="sdk_parked", version=1, input={"k": 1}))
    workflows.pause_workflow(workflow_id)
    assert workflows.get_workflow_status(workflow_id, include_output=True, include_variables=True).status == "PAUSED"
    workflows.resume_workflow(workflow_id)
    workflows.terminate_workflow(workflow_id, reason="test over")
    wf = workflows.get_workflow(workflow_id, include_tasks=True)
    assert wf.status == "TERMINATED" and wf.reason_for_incompletion == "test over"
    assert [t.status for t in wf.tasks] == ["CANCELED"]


def test_workflow_executor_execute_and_signal(sdk: Stack) -> None:
    from conductor.client.configuration.configuration import Configuration
    from conductor.client.http.models.workflow_def import WorkflowDef
    from conductor.client.workflow.executor.workflow_executor import WorkflowExecutor

    doc = {"name": "sdk_signal", "version": 1, "schemaVersion": 2, "tasks": [
        {"name": "sdk_greet", "taskReferenceName": "greet", "inputParameters": {"name": "${workflow.input.who}"}},
        {"name": "approval", "taskReferenceName": "approval", "type": "HUMAN"}],
        "outputParameters": {"greeting": "${greet.output.greeting}", "approved": "${approval.output.approved}"}}
    metadata = _clients().get_metadata_client()
    metadata.update_workflow_def(metadata.metadataResourceApi.api_client.deserialize_class(doc, WorkflowDef), True)
    executor = WorkflowExecutor(Configuration())
    run = executor.execute("sdk_signal", version=1, workflow_input={"who": "Ada"}, wait_for_seconds=20)
    assert run.status == "RUNNING"
    assert [t.reference_task_name for t in run.tasks] == ["greet", "approval"]
    response = executor.signal(run.workflow_id, "COMPLETED", {"approved": True})
    assert getattr(response.status, "value", response.status) == "COMPLETED"
    wf = _clients().get_workflow_client().get_workflow(run.workflow_id, include_tasks=False)
    assert wf.output == {"greeting": "Hello Ada", "approved": True}
