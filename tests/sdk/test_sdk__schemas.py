"""The unmodified SDK's SchemaClient against a live Baton, and schemas it enforces (issue 9).

A TaskDef registered through MetadataClient names an input and an output schema with
`enforce_schema=True`: an order whose total is text fails the task with the path named, and a
worker (the SDK's TaskClient, as its TaskRunner calls it) whose output breaks the output schema
is refused with a 400 naming the path, then accepted once it conforms.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.live import Stack

pytestmark = pytest.mark.sdk

ORDER = {"type": "object", "required": ["order"],
         "properties": {"order": {"type": "object", "required": ["total"],
                                  "properties": {"total": {"type": "number"}}}}}
TAX = {"type": "object", "required": ["tax"], "properties": {"tax": {"type": "number", "minimum": 0}}}


@pytest.fixture(scope="module")
def clients(pg_stack: Stack) -> Iterator[Any]:
    saved = {k: os.environ.get(k) for k in ("CONDUCTOR_SERVER_URL", "CONDUCTOR_AUTH_KEY", "CONDUCTOR_AUTH_SECRET")}
    os.environ.update({k: v for k, v in pg_stack.sdk_env().items() if k.startswith("CONDUCTOR_")})
    from conductor.client.configuration.configuration import Configuration
    from conductor.client.orkes_clients import OrkesClients

    yield OrkesClients(Configuration())
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def test_schema_client_round_trips_versions_and_deletes(clients: Any) -> None:
    from conductor.client.http.models.schema_def import SchemaDef, SchemaType
    from conductor.client.http.rest import ApiException

    schemas = clients.get_schema_client()
    name = f"sdk_order_{uuid.uuid4().hex[:6]}"
    schemas.register_schema(SchemaDef(name=name, version=1, type=SchemaType.JSON, data=ORDER))
    schemas.register_schema(SchemaDef(name=name, version=2, type=SchemaType.JSON, data=TAX))
    got = schemas.get_schema(name, 1)
    assert (got.name, got.version, got.type, got.data) == (name, 1, "JSON", ORDER)
    assert {(s.name, s.version) for s in schemas.get_all_schemas() if s.name == name} == {(name, 1), (name, 2)}
    schemas.delete_schema(name, 1)
    with pytest.raises(ApiException) as missing:
        schemas.get_schema(name, 1)
    assert missing.value.status == 404
    schemas.delete_schema_by_name(name)
    assert not [s for s in schemas.get_all_schemas() if s.name == name]
    with pytest.raises(ApiException) as invalid:
        schemas.register_schema(SchemaDef(name=name, version=1, type=SchemaType.JSON,
                                          data={"properties": {"total": {"type": "numbr"}}}))
    assert invalid.value.status == 400
    assert "$.data.properties.total.type" in invalid.value.body


@pytest.fixture(scope="module")
def tax_task(clients: Any) -> str:
    from conductor.client.http.models.schema_def import SchemaDef, SchemaType
    from conductor.client.http.models.task_def import TaskDef
    from conductor.client.http.models.workflow_def import WorkflowDef

    suffix = uuid.uuid4().hex[:6]
    schemas = clients.get_schema_client()
    schemas.register_schema(SchemaDef(name=f"order_{suffix}", version=1, type=SchemaType.JSON, data=ORDER))
    schemas.register_schema(SchemaDef(name=f"tax_{suffix}", version=1, type=SchemaType.JSON, data=TAX))
    metadata = clients.get_metadata_client()
    task = f"sdk_tax_{suffix}"
    metadata.register_task_def(TaskDef(
        name=task, retry_count=2, retry_delay_seconds=0, timeout_seconds=60, response_timeout_seconds=30,
        input_schema=SchemaDef(name=f"order_{suffix}", version=1),
        output_schema=SchemaDef(name=f"tax_{suffix}", version=1), enforce_schema=True))
    doc = {"name": task, "version": 1, "schemaVersion": 2,
           "tasks": [{"name": task, "taskReferenceName": "calc", "inputParameters": {"order": "${workflow.input.order}"}}]}
    api_client = metadata.metadataResourceApi.api_client
    metadata.update_workflow_def(api_client.deserialize_class(doc, WorkflowDef), overwrite=True)
    return task


def _start(clients: Any, name: str, order: dict[str, Any]) -> str:
    from conductor.client.http.models.start_workflow_request import StartWorkflowRequest

    return clients.get_workflow_client().start_workflow(StartWorkflowRequest(name=name, input={"order": order}))


def test_an_enforced_input_schema_fails_the_task_naming_the_path(clients: Any, tax_task: str) -> None:
    wf_id = _start(clients, tax_task, {"total": "12.50"})
    workflow = clients.get_workflow_client().get_workflow(wf_id, include_tasks=True)
    assert workflow.status == "FAILED"
    [task] = workflow.tasks
    assert task.status == "FAILED_WITH_TERMINAL_ERROR"
    assert "$.order.total: '12.50' is not of type 'number' (type)" in task.reason_for_incompletion


def test_a_worker_output_that_breaks_the_output_schema_is_refused(clients: Any, tax_task: str) -> None:
    from conductor.client.http.models.task_result import TaskResult
    from conductor.client.http.models.task_result_status import TaskResultStatus
    from conductor.client.http.rest import ApiException

    wf_id = _start(clients, tax_task, {"total": 80})
    tasks = clients.get_task_client()
    # the start scheduled the task in its own transaction: it is there to poll
    polled = tasks.poll_task(tax_task, worker_id="sdk-schema-worker")
    assert polled is not None and polled.workflow_instance_id == wf_id
    bad = TaskResult(workflow_instance_id=wf_id, task_id=polled.task_id, status=TaskResultStatus.COMPLETED,
                     output_data={"tax": "16"}, worker_id="sdk-schema-worker")
    with pytest.raises(ApiException) as refused:
        tasks.update_task(bad)
    assert refused.value.status == 400
    errors = json.loads(refused.value.body)["validationErrors"]
    assert [(e["path"], e["rule"]) for e in errors] == [("$.tax", "type")]
    assert clients.get_task_client().get_task(polled.task_id).status == "IN_PROGRESS"
    bad.output_data = {"tax": 16}
    tasks.update_task(bad)
    assert clients.get_workflow_client().get_workflow(wf_id, include_tasks=False).status == "COMPLETED"


def test_schema_client_cannot_delete_a_schema_in_use_until_nothing_uses_it(clients: Any) -> None:
    from conductor.client.http.models.schema_def import SchemaDef, SchemaType
    from conductor.client.http.models.task_def import TaskDef
    from conductor.client.http.rest import ApiException

    suffix = uuid.uuid4().hex[:6]
    address, order, task = f"sdk_addr_{suffix}", f"sdk_ord_{suffix}", f"sdk_ship_{suffix}"
    schemas, metadata = clients.get_schema_client(), clients.get_metadata_client()
    with pytest.raises(ApiException) as unknown:
        schemas.register_schema(SchemaDef(name=order, version=1, type=SchemaType.JSON,
                                          data={"properties": {"ship": {"$ref": f"baton:schema/{address}/1"}}}))
    assert unknown.value.status == 400 and "$.data.properties.ship.$ref" in unknown.value.body
    schemas.register_schema(SchemaDef(name=address, version=1, type=SchemaType.JSON, data={"required": ["zip"]}))
    schemas.register_schema(SchemaDef(name=order, version=1, type=SchemaType.JSON,
                                      data={"properties": {"ship": {"$ref": f"baton:schema/{address}/1"}}}))
    metadata.register_task_def(TaskDef(name=task, input_schema=SchemaDef(name=order, version=1), enforce_schema=True))
    with pytest.raises(ApiException) as in_use:
        schemas.delete_schema(order, 1)
    assert in_use.value.status == 409 and f"task definition '{task}'" in json.loads(in_use.value.body)["message"]
    with pytest.raises(ApiException) as referenced:
        schemas.delete_schema_by_name(address)
    assert referenced.value.status == 409 and f"schema '{order}' version 1 ($ref)" in referenced.value.body
    metadata.unregister_task_def(task)
    schemas.delete_schema(order, 1)
    schemas.delete_schema_by_name(address)
    assert not [s for s in schemas.get_all_schemas() if s.name in (order, address)]
