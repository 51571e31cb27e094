"""/api/event as Conductor's EventResource answers it: add, update, list, by event, delete, and
every malformed handler refused with a 400 naming its field."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from orchestrator.models import ApiApplication
from orchestrator.services import access

pytestmark = [
    pytest.mark.db_tier,
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),  # WhiteNoise: no collectstatic here
]


@pytest.fixture()
def admin() -> Client:
    app, secret = access.create_application("event-admins", ApiApplication.ROLE_ADMIN)
    return Client(headers={"X-Authorization": access.issue_token(app.key_id, secret)})


@pytest.fixture()
def worker() -> Client:
    app, secret = access.create_application("event-workers", ApiApplication.ROLE_WORKER)
    return Client(headers={"X-Authorization": access.issue_token(app.key_id, secret)})


def handler(name: str = "orders_in", **changes: Any) -> dict[str, Any]:
    doc = {"name": name, "event": "amqp:orders", "condition": "$.kind == 'order'", "evaluatorType": "javascript",
           "active": True, "actions": [{"action": "start_workflow", "start_workflow": {
               "name": "fulfil", "input": {"orderId": "${id}"}, "correlationId": "${id}"}}]}
    doc.update(changes)
    return doc


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    return getattr(client, method)(f"/api{path}", body, content_type="application/json")


def test_add_get_by_event_update_and_delete(admin: Client) -> None:
    assert send(admin, "post", "/event", handler()).status_code == 200
    assert send(admin, "post", "/event", handler("off_one", active=False, event="conductor:wf:ref")).status_code == 200
    listed = send(admin, "get", "/event").json()
    assert [h["name"] for h in listed] == ["off_one", "orders_in"]
    assert listed[1] == handler()
    assert [h["name"] for h in send(admin, "get", "/event/amqp:orders").json()] == ["orders_in"]
    # activeOnly defaults to true, as in Conductor
    assert send(admin, "get", "/event/conductor:wf:ref").json() == []
    assert [h["name"] for h in send(admin, "get", "/event/conductor:wf:ref?activeOnly=false").json()] == ["off_one"]
    assert send(admin, "put", "/event", handler(active=False)).status_code == 200
    assert send(admin, "get", "/event/amqp:orders").json() == []
    assert send(admin, "delete", "/event/orders_in").status_code == 200
    assert [h["name"] for h in send(admin, "get", "/event").json()] == ["off_one"]


def test_a_taken_name_is_409_and_an_unknown_one_404(admin: Client) -> None:
    send(admin, "post", "/event", handler())
    again = send(admin, "post", "/event", handler())
    assert again.status_code == 409 and "orders_in" in again.json()["message"]
    assert send(admin, "put", "/event", handler("nobody")).status_code == 404
    assert send(admin, "delete", "/event/nobody").status_code == 404


@pytest.mark.parametrize(("changes", "field"), [
    ({"name": ""}, "name"),
    ({"event": "orders"}, "event"),
    ({"event": "sqs:orders"}, "event"),
    ({"event": "amqp:"}, "event"),
    ({"condition": "$.kind == "}, "condition"),
    ({"evaluatorType": "python"}, "evaluatorType"),
    ({"actions": []}, "actions"),
    ({"actions": [{"action": "explode"}]}, "actions[0].action"),
    ({"actions": [{"action": "start_workflow", "start_workflow": {"input": {}}}]}, "actions[0].start_workflow.name"),
    ({"actions": [{"action": "start_workflow", "start_workflow": {"name": "x", "version": "2"}}]},
     "actions[0].start_workflow.version"),
    ({"actions": [{"action": "complete_task", "complete_task": {"workflowId": "${w}"}}]}, "actions[0].complete_task"),
    ({"actions": [{"action": "fail_task"}]}, "actions[0].fail_task"),
    ({"active": "yes"}, "active"),
])
def test_a_malformed_handler_is_400_naming_the_field(admin: Client, changes: dict[str, Any], field: str) -> None:
    r = send(admin, "post", "/event", handler(**changes))
    assert r.status_code == 400
    body = r.json()
    assert field in [e["path"] for e in body["validationErrors"]], body
    assert field in body["message"]


def test_every_problem_is_reported_at_once(admin: Client) -> None:
    r = send(admin, "post", "/event", {"name": "x", "event": "nats:q", "actions": [{"action": "fail_task"}]})
    assert {e["path"] for e in r.json()["validationErrors"]} == {"event", "actions[0].fail_task"}
    assert send(admin, "post", "/event", [1, 2]).status_code == 400


def test_event_handlers_need_the_admin_role(worker: Client) -> None:
    assert send(worker, "get", "/event").status_code == 403
    assert send(worker, "post", "/event", handler()).status_code == 403
    assert Client().get("/api/event").status_code == 401
