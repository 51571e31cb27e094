"""`$ref` between registered schemas and deleting a schema in use, through the real API on
PostgreSQL (issue 9).

A schema refers to another as `baton:schema/<name>[/<version>]`; a reference to one that is not
registered is refused at save (400 naming the path), cycles are fine, and an enforced schema
checks the referenced parts. A schema that a definition or another schema uses cannot be
deleted (409 naming them) until nothing does.
"""

from __future__ import annotations

from typing import Any

import pytest

from orchestrator.schemas.models import SchemaDef

from .test_schemas__api import Api, schema

pytestmark = [
    pytest.mark.db_tier,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

ADDRESS = {"type": "object", "required": ["zip"], "properties": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}}}
ORDER = {"type": "object", "required": ["order"], "properties": {"order": {
    "type": "object", "required": ["ship"], "properties": {"ship": {"$ref": "baton:schema/address/1"}}}}}


@pytest.fixture()
def api() -> Api:
    return Api()


def test_a_ref_to_an_unregistered_schema_is_refused_naming_the_path(api: Api) -> None:
    status, error = api.call("POST", "schema", schema("order", ORDER))
    assert status == 400
    [problem] = error["validationErrors"]
    assert problem["path"] == "$.data.properties.order.properties.ship.$ref" and problem["id"] == "SC.E006"
    assert "'address' version 1, which is not registered" in problem["message"]
    bad_uri = {"properties": {"a": {"$ref": "baton:schema/address/latest"}}}
    status, error = api.call("POST", "schema", schema("x", bad_uri))
    assert status == 400 and error["validationErrors"][0]["path"] == "$.data.properties.a.$ref"
    assert not SchemaDef.objects.exists()


def test_a_ref_resolves_to_a_schema_saved_before_or_in_the_same_request(api: Api) -> None:
    assert api.call("POST", "schema", [schema("order", ORDER), schema("address", ADDRESS)])[0] == 200
    assert api.call("POST", "schema", schema("order2", {"$ref": "baton:schema/address"}))[0] == 200


def test_schemas_referring_to_each_other_and_to_themselves_are_saved_and_enforced(api: Api) -> None:
    ping = {"type": "object", "properties": {"pong": {"$ref": "baton:schema/pong/1"}, "n": {"type": "integer"}}}
    pong = {"type": "object", "properties": {"ping": {"$ref": "baton:schema/ping/1"}}}
    tree = {"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": "baton:schema/tree/1"}},
                                             "v": {"type": "integer"}}}
    assert api.call("POST", "schema", [schema("ping", ping), schema("pong", pong), schema("tree", tree)])[0] == 200
    start = {"name": "cyc", "version": 1, "enforceSchema": True, "inputSchema": {"name": "ping", "version": 1},
             "tasks": [{"name": "w", "taskReferenceName": "w", "type": "SIMPLE"}]}
    assert api.call("POST", "metadata/workflow", start)[0] == 200
    status, error = api.call("POST", "workflow/cyc", {"pong": {"ping": {"pong": {"ping": {"n": "x"}}}}})
    assert status == 400 and error["validationErrors"][0]["path"] == "$.pong.ping.pong.ping.n"
    assert api.call("POST", "workflow/cyc", {"pong": {"ping": {"n": 1}}})[0] == 200


def ship_flow(api: Api) -> None:
    assert api.call("POST", "schema", [schema("address", ADDRESS), schema("order", ORDER)])[0] == 200
    tdef = {"name": "ship", "retryCount": 0, "enforceSchema": True, "inputSchema": {"name": "order", "version": 1}}
    assert api.call("POST", "metadata/taskdefs", [tdef])[0] == 200
    wf = {"name": "ship_flow", "version": 1, "tasks": [
        {"name": "ship", "taskReferenceName": "ship", "inputParameters": {"order": "${workflow.input.order}"}}]}
    assert api.call("POST", "metadata/workflow", wf)[0] == 200


def task_of(api: Api, order: Any) -> dict[str, Any]:
    wf_id = api.call("POST", "workflow/ship_flow", {"order": order})[1]
    [task] = api.call("GET", f"workflow/{wf_id}")[1]["tasks"]
    return task


def test_an_enforced_task_input_checks_the_referenced_schema_and_follows_its_changes(api: Api) -> None:
    ship_flow(api)
    assert task_of(api, {"ship": {"zip": "10115"}})["status"] == "SCHEDULED"
    failed = task_of(api, {"ship": {"zip": "1"}})
    assert failed["status"] == "FAILED_WITH_TERMINAL_ERROR"
    assert "$.order.ship.zip: '1' does not match '^[0-9]{5}$' (pattern)" in failed["reasonForIncompletion"]
    # Changing the referenced schema (not the one the TaskDef names) applies to the next task.
    stricter = {**ADDRESS, "required": ["zip", "city"]}
    assert api.call("POST", "schema", schema("address", stricter))[0] == 200
    again = task_of(api, {"ship": {"zip": "10115"}})
    assert again["status"] == "FAILED_WITH_TERMINAL_ERROR"
    assert "$.order.ship: 'city' is a required property (required)" in again["reasonForIncompletion"]


# -- deleting a schema in use ---------------------------------------------------------------------
def test_a_schema_in_use_is_not_deleted_and_the_users_are_named(api: Api) -> None:
    ship_flow(api)
    wf = {"name": "quote", "version": 3, "outputSchema": {"name": "address", "version": 1},
          "tasks": [{"name": "q", "taskReferenceName": "q", "type": "SIMPLE"}]}
    assert api.call("POST", "metadata/workflow", wf)[0] == 200
    status, error = api.call("DELETE", "schema/order/1")
    assert status == 409
    assert error["message"] == ("Schema 'order' version 1 is in use by task definition 'ship'; "
                                "change or delete those first.")
    status, error = api.call("DELETE", "schema/address")
    assert status == 409
    assert "workflow definition 'quote' version 3" in error["message"]
    assert "schema 'order' version 1 ($ref)" in error["message"]
    assert SchemaDef.objects.count() == 2
    # Once nothing uses them they go: the task def first, then the schemas in order.
    assert api.call("DELETE", "metadata/taskdefs/ship")[0] == 200
    assert api.call("DELETE", "schema/order/1")[0] == 200
    assert api.call("DELETE", "schema/address")[0] == 409  # still the workflow's
    assert api.call("DELETE", "metadata/workflow/quote/3")[0] == 200
    assert api.call("DELETE", "schema/address")[0] == 200
    assert not SchemaDef.objects.exists()


def test_an_inline_task_definition_and_a_human_form_keep_their_schema(api: Api) -> None:
    assert api.call("POST", "schema", [schema("form", ADDRESS), schema("inl", ADDRESS)])[0] == 200
    wf = {"name": "inl_flow", "version": 1, "tasks": [
        {"name": "a", "taskReferenceName": "a", "type": "SIMPLE",
         "taskDefinition": {"name": "a", "inputSchema": {"name": "inl", "version": 1}}},
        {"name": "h", "taskReferenceName": "h", "type": "HUMAN", "inputParameters": {"form": {"name": "form"}}}]}
    assert api.call("POST", "metadata/workflow", wf)[0] == 200
    for name in ("inl", "form"):
        status, error = api.call("DELETE", f"schema/{name}/1")
        assert status == 409 and "workflow definition 'inl_flow' version 1" in error["message"], name


def test_an_unversioned_reference_keeps_only_the_last_version(api: Api) -> None:
    assert api.call("POST", "schema", [schema("addr", ADDRESS, 1), schema("addr", ADDRESS, 2)])[0] == 200
    tdef = {"name": "t", "inputSchema": {"name": "addr"}}
    assert api.call("POST", "metadata/taskdefs", [tdef])[0] == 200
    assert api.call("DELETE", "schema/addr/2")[0] == 200  # version 1 is left for it
    assert api.call("DELETE", "schema/addr/1")[0] == 409


def test_an_unused_schema_and_one_referring_only_to_itself_are_deleted(api: Api) -> None:
    tree = {"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": "baton:schema/tree/1"}}}}
    assert api.call("POST", "schema", [schema("tree", tree), schema("spare", ADDRESS)])[0] == 200
    assert api.call("DELETE", "schema/tree/1")[0] == 200
    assert api.call("DELETE", "schema/spare")[0] == 200
    assert api.call("DELETE", "schema/spare")[0] == 404
