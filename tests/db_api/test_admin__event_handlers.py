"""The admin's event handler pages: the API's validation on save, and the last messages handled
(escaped) on the handler's page."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from orchestrator.eventing.models import EventExecution, EventHandler

pytestmark = [
    pytest.mark.db_tier,
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),  # WhiteNoise: no collectstatic here
]


@pytest.fixture()
def staff() -> Client:
    user = get_user_model().objects.create_user("ev-staff", password="pw-123456", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {"name": "adm", "event": "amqp:orders", "condition": "", "evaluator_type": "",
                               "actions": json.dumps([{"action": "start_workflow", "start_workflow": {"name": "x"}}]),
                               "active": "on", "tags": "[]"}
    data.update(changes)
    return data


def test_the_admin_saves_a_valid_handler_and_refuses_an_invalid_one(staff: Client) -> None:
    bad = staff.post("/admin/eventing/eventhandler/add/", form(
        event="kafka:t", actions=json.dumps([{"action": "start_workflow", "start_workflow": {}}])))
    assert bad.status_code == 200  # the form again, with the errors
    text = bad.content.decode()
    assert "unsupported sink" in text and "actions[0].start_workflow.name: Missing workflow name" in text
    assert not EventHandler.objects.exists()
    ok = staff.post("/admin/eventing/eventhandler/add/", form())
    assert ok.status_code == 302 and EventHandler.objects.get(name="adm").active


def test_the_handler_page_lists_its_last_messages_escaped(staff: Client) -> None:
    row = EventHandler.objects.create(name="adm", event="amqp:orders", actions=[], active=True)
    EventExecution.objects.create(handler_name="adm", message_id="<b>m-1</b>", event="amqp:orders",
                                  status="FAILED", output=[{"action": "start_workflow", "error": "<script>x</script>"}])
    EventExecution.objects.create(handler_name="adm", message_id="m-2", event="amqp:orders",
                                  status="COMPLETED", output=[{"action": "start_workflow", "workflowId": "wf-9"}])
    page = staff.get(f"/admin/eventing/eventhandler/{row.pk}/change/").content.decode()
    assert "started wf-9" in page and "&lt;b&gt;m-1&lt;/b&gt;" in page
    assert "start_workflow failed: &lt;script&gt;x&lt;/script&gt;" in page and "<script>x</script>" not in page
