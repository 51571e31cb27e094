"""What conductor-python's own integration suite compares, against a live Baton.

Each test follows a scenario of the SDK's `tests/integration` (v2.0.0): definition tags through
MetadataClient, Conductor's not-found messages, and the signal API when nothing is blocked.
No SDK workers are needed: every workflow here runs on system tasks only.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.live import Stack, wait_for

pytestmark = pytest.mark.sdk


@pytest.fixture(scope="module")
def conductor_env(pg_stack: Stack) -> Iterator[Stack]:
    """Point the SDK's Configuration() at the live stack (it reads CONDUCTOR_* variables)."""
    saved = {k: os.environ.get(k) for k in ("CONDUCTOR_SERVER_URL", "CONDUCTOR_AUTH_KEY", "CONDUCTOR_AUTH_SECRET")}
    os.environ.update({k: v for k, v in pg_stack.sdk_env().items() if k.startswith("CONDUCTOR_")})
    yield pg_stack
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _clients() -> Any:
    from conductor.client.configuration.configuration import Configuration
    from conductor.client.orkes_clients import OrkesClients

    return OrkesClients(Configuration())


def _register(doc: dict[str, Any]) -> None:
    from conductor.client.http.models.workflow_def import WorkflowDef

    metadata = _clients().get_metadata_client()
    metadata.register_workflow_def(metadata.metadataResourceApi.api_client.deserialize_class(doc, WorkflowDef), True)


def _inline_flow(name: str, *, wait: bool = False) -> dict[str, Any]:
    tasks: list[dict[str, Any]] = [{"name": "calc", "taskReferenceName": "calc", "type": "INLINE",
                                    "inputParameters": {"expression": "$.a + 1", "a": "${workflow.input.a}"}}]
    if wait:
        tasks.append({"name": "gate", "taskReferenceName": "gate", "type": "WAIT"})
    return {"name": name, "version": 1, "schemaVersion": 2, "tasks": tasks,
            "outputParameters": {"calc": "${calc.output.result}"}}


def test_workflow_tags_as_the_sdk_suite_uses_them(conductor_env: Stack) -> None:
    # test_orkes_clients.py::__test_workflow_tags, step for step
    from conductor.client.orkes.models.metadata_tag import MetadataTag

    name = f"sdk_tags_{uuid.uuid4().hex[:6]}"
    _register(_inline_flow(name))
    metadata = _clients().get_metadata_client()
    metadata.add_workflow_tag(MetadataTag("wftag", "val"), name)
    fetched = metadata.get_workflow_tags(name)
    assert [(t.key, t.value, t.type) for t in fetched] == [("wftag", "val", "METADATA")]
    metadata.set_workflow_tags([MetadataTag("wftag", "val"), MetadataTag("wftag2", "val2"),
                                MetadataTag("wftag3", "val3")], name)
    assert len(metadata.get_workflow_tags(name)) == 3
    metadata.delete_workflow_tag(MetadataTag("wftag2", "val2"), name)
    assert [t.key for t in metadata.get_workflow_tags(name)] == ["wftag", "wftag3"]
    # adding a tag twice keeps one; a second version shares the name's tags
    metadata.add_workflow_tag(MetadataTag("wftag", "val"), name)
    _register({**_inline_flow(name), "version": 2})
    assert [t.key for t in metadata.get_workflow_tags(name)] == ["wftag", "wftag3"]


def test_task_tags_as_the_sdk_suite_uses_them(conductor_env: Stack) -> None:
    # test_orkes_clients.py::__test_task_tags, then the definition's removal takes its tags along
    from conductor.client.http.models.task_def import TaskDef
    from conductor.client.http.rest import ApiException
    from conductor.client.orkes.models.metadata_tag import MetadataTag

    task = f"sdk_tagged_task_{uuid.uuid4().hex[:6]}"
    metadata = _clients().get_metadata_client()
    metadata.register_task_def(TaskDef(name=task, description="tags"))
    tags = [MetadataTag("tag1", "val1"), MetadataTag("tag2", "val2"), MetadataTag("tag3", "val3")]
    metadata.addTaskTag(tags[0], task)
    fetched = metadata.getTaskTags(task)
    assert len(fetched) == 1 and fetched[0].key == "tag1"
    metadata.setTaskTags(tags, task)
    assert len(metadata.getTaskTags(task)) == 3
    metadata.deleteTaskTag(MetadataTag("tag2", "val2"), task)
    assert len(metadata.getTaskTags(task)) == 2
    metadata.unregister_task_def(task)
    metadata.register_task_def(TaskDef(name=task))
    assert metadata.getTaskTags(task) == []
    with pytest.raises(ApiException) as err:
        metadata.getTaskTags(f"{task}_missing")
    assert err.value.code == 404 and err.value.message == f"No such taskType found by name: {task}_missing"


def test_tag_endpoints_refuse_bad_bodies_naming_the_field(conductor_env: Stack) -> None:
    name = f"sdk_tags_bad_{uuid.uuid4().hex[:6]}"
    _register(_inline_flow(name))
    with conductor_env.client() as api:
        cases: list[tuple[str, Any, str]] = [
            ("put", {"tags": []}, "$.key"),
            ("put", [{"key": "ok", "value": "v"}, {"value": "v"}], "$[1].key"),
            ("post", {"key": "k", "value": {"nested": True}}, "$.value"),
            ("delete", [{"key": "k", "value": "v", "type": "LABEL"}], "$[0].type"),
            ("put", "a string", "list of tags"),
        ]
        for method, body, field in cases:
            r = api.request(method.upper(), f"/metadata/workflow/{name}/tags", json=body)
            assert r.status_code == 400 and field in r.json()["message"], (method, body, r.text)
        r = api.get(f"/metadata/workflow/{name}_missing/tags")
        assert r.status_code == 404 and r.json()["message"] == f"No such workflow found by name: {name}_missing, version: null"
        assert api.get(f"/metadata/workflow/{name}/tags").json() == []
    with httpx.Client(base_url=conductor_env.url + "/api") as anonymous:
        assert anonymous.put(f"/metadata/workflow/{name}/tags", json=[]).status_code == 401


def test_not_found_messages_the_sdk_suite_compares(conductor_env: Stack) -> None:
    # test_orkes_clients.py::__test_unregister_workflow_definition and the end of
    # __test_workflow_execution_lifecycle compare these sentences
    from conductor.client.http.models.start_workflow_request import StartWorkflowRequest
    from conductor.client.http.rest import ApiException

    name = f"sdk_msgs_{uuid.uuid4().hex[:6]}"
    _register(_inline_flow(name))
    clients = _clients()
    metadata, workflows = clients.get_metadata_client(), clients.get_workflow_client()
    workflow_id = workflows.start_workflow(StartWorkflowRequest(name=name, version=1, input={"a": 1}))
    metadata.unregister_workflow_def(name, 1)
    with pytest.raises(ApiException) as err:
        metadata.get_workflow_def(name, 1)
    assert err.value.code == 404
    assert err.value.message == f"No such workflow found by name: {name}, version: 1"
    with pytest.raises(ApiException) as err:
        metadata.get_workflow_def(name)
    assert err.value.message == f"No such workflow found by name: {name}, version: null"
    with pytest.raises(ApiException) as err:
        workflows.start_workflow_by_name(name, {"a": 1}, version=1)
    assert err.value.code == 404 and err.value.message == f"No such workflow found by name: {name}, version: 1"

    workflows.delete_workflow(workflow_id)
    with pytest.raises(ApiException) as err:
        workflows.get_workflow(workflow_id, False)
    assert err.value.code == 404
    assert str(err.value.message).lower() == f"workflow with id: {workflow_id} not found."
    with pytest.raises(ApiException) as err:
        workflows.pause_workflow(workflow_id)
    assert err.value.code == 404 and err.value.message == f"No such workflow found by id: {workflow_id}"


def test_async_signal_with_nothing_blocked_is_a_no_op(conductor_env: Stack) -> None:
    from conductor.client.configuration.configuration import Configuration
    from conductor.client.http.rest import ApiException
    from conductor.client.workflow.executor.workflow_executor import WorkflowExecutor

    name = f"sdk_signal_idle_{uuid.uuid4().hex[:6]}"
    _register(_inline_flow(name, wait=True))
    executor = WorkflowExecutor(Configuration())
    run = executor.execute(name, version=1, workflow_input={"a": 1}, wait_for_seconds=10)
    assert run.status == "RUNNING"
    executor.signal_async(run.workflow_id, "COMPLETED", {"first": True})
    with conductor_env.client() as api:
        done = wait_for(api, run.workflow_id)
        assert done["status"] == "COMPLETED"
        # nothing waits now: Conductor's async signal answers 200 and changes nothing
        executor.signal_async(run.workflow_id, "FAILED", {"second": True})
        again = api.get(f"/workflow/{run.workflow_id}").json()
    assert again["status"] == "COMPLETED" and again["updateTime"] == done["updateTime"]
    gate = [t["outputData"] for t in again["tasks"] if t["referenceTaskName"] == "gate"]
    assert len(gate) == 1 and gate[0].get("first") is True and "second" not in gate[0]
    with pytest.raises(ApiException) as err:
        executor.signal(run.workflow_id, "COMPLETED", {"third": True})
    assert err.value.code == 404
    assert err.value.message == f"Found no blocked task in workflow {run.workflow_id} to signal"


def test_response_timeout_comes_from_the_inline_task_definition_then_conductor_s_default(conductor_env: Stack) -> None:
    # A WorkflowTask may carry its own TaskDef (the SDK model's `task_definition`): Conductor runs
    # the task with it. With none at all, Conductor's TaskDef defaults apply (3600 s), as they do
    # to the minimal {"name"} TaskDef the SDK registers for a worker.
    from conductor.client.http.models.task_def import TaskDef
    from conductor.client.http.models.workflow_def import WorkflowDef
    from conductor.client.http.models.workflow_task import WorkflowTask
    from conductor.client.http.rest import ApiException

    tag = uuid.uuid4().hex[:6]
    inline, bare, minimal = f"sdk_inline_{tag}", f"sdk_bare_{tag}", f"sdk_minimal_{tag}"
    clients = _clients()
    metadata, tasks = clients.get_metadata_client(), clients.get_task_client()
    metadata.register_task_def(TaskDef(name=minimal))
    wf = WorkflowDef(name=f"sdk_timeouts_{tag}", version=1, tasks=[
        WorkflowTask(name=inline, task_reference_name="inline", type="SIMPLE",
                     task_definition=TaskDef(name=inline, response_timeout_seconds=10, retry_count=0)),
        WorkflowTask(name=bare, task_reference_name="bare", type="SIMPLE"),
        WorkflowTask(name=minimal, task_reference_name="minimal", type="SIMPLE")])
    metadata.register_workflow_def(wf, True)
    assert metadata.get_task_def(minimal).response_timeout_seconds == 3600
    from conductor.client.http.models.start_workflow_request import StartWorkflowRequest

    clients.get_workflow_client().start_workflow(StartWorkflowRequest(name=wf.name, version=1))
    seen = {}
    for name in (inline, bare, minimal):
        task = tasks.poll_task(name, worker_id="w1")
        assert task is not None, name
        seen[name] = task.response_timeout_seconds
        from conductor.client.http.models.task_result import TaskResult

        tasks.update_task(TaskResult(workflow_instance_id=task.workflow_instance_id, task_id=task.task_id,
                                     status="COMPLETED", output_data={}))
    assert seen == {inline: 10, bare: 3600, minimal: 3600}

    bad = WorkflowDef(name=f"sdk_timeouts_bad_{tag}", version=1, tasks=[
        WorkflowTask(name=inline, task_reference_name="inline", type="SIMPLE",
                     task_definition=TaskDef(name=inline, response_timeout_seconds=0))])
    with pytest.raises(ApiException) as err:
        metadata.register_workflow_def(bad, True)
    assert err.value.code == 400 and "$.tasks[0].taskDefinition.responseTimeoutSeconds" in str(err.value.body)
