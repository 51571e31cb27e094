"""Async system tasks run by the Celery worker: SUB_WORKFLOW, START_WORKFLOW, HTTP, EVENT; WAIT and HUMAN."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.live import Stack, free_port, wait_for

pytestmark = pytest.mark.integration

HTTP_PORT = free_port()


class _Echo(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        payload = json.dumps({"got": json.loads(body or b"null"), "path": self.path,
                              "idem": self.headers.get("Idempotency-Key")}).encode()
        self.send_response(201 if self.path == "/ok" else 503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    server = ThreadingHTTPServer(("127.0.0.1", HTTP_PORT), _Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    s = Stack("postgres", extra_env={"BATON_HTTP_ALLOWED_HOSTS": f"127.0.0.1:{HTTP_PORT}"}).start()
    yield s
    s.stop()
    server.shutdown()


@pytest.fixture()
def client(stack):  # type: ignore[no-untyped-def]
    with stack.client() as c:
        yield c


def _register(client, doc):  # type: ignore[no-untyped-def]
    r = client.post("/metadata/workflow", params={"overwrite": "true"}, json=doc)
    assert r.status_code == 200, r.text


def test_sub_workflow_runs_the_child_and_takes_its_output(client):  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:6]
    _register(client, {"name": f"child_{tag}", "version": 1, "tasks": [
        {"name": "inl", "taskReferenceName": "inl", "type": "INLINE",
         "inputParameters": {"expression": "$.n * 10", "n": "${workflow.input.n}"}}],
        "outputParameters": {"tenfold": "${inl.output.result}"}})
    _register(client, {"name": f"parent_{tag}", "version": 1, "tasks": [
        {"name": "sub", "taskReferenceName": "sub", "type": "SUB_WORKFLOW",
         "subWorkflowParam": {"name": f"child_{tag}", "version": 1}, "inputParameters": {"n": "${workflow.input.n}"}}],
        "outputParameters": {"r": "${sub.output.tenfold}"}})
    wf_id = client.post("/workflow", json={"name": f"parent_{tag}", "input": {"n": 4}}).text
    wf = wait_for(client, wf_id)
    assert wf["status"] == "COMPLETED", wf
    assert wf["output"] == {"r": 40}
    sub = wf["tasks"][0]
    child = client.get(f"/workflow/{sub['subWorkflowId']}").json()
    assert child["parentWorkflowId"] == wf_id and child["parentWorkflowTaskId"] == sub["taskId"]
    assert child["status"] == "COMPLETED" and sub["outputData"]["tenfold"] == 40


def test_terminating_the_child_cancels_the_parent_task_and_ends_the_parent(client):  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:6]
    _register(client, {"name": f"child2_{tag}", "version": 1, "tasks": [{"name": "nobody", "taskReferenceName": "w"}]})
    _register(client, {"name": f"parent2_{tag}", "version": 1, "tasks": [
        {"name": "sub", "taskReferenceName": "sub", "type": "SUB_WORKFLOW", "subWorkflowParam": {"name": f"child2_{tag}"}}]})
    wf_id = client.post("/workflow", json={"name": f"parent2_{tag}"}).text
    deadline = time.monotonic() + 15
    child_id = None
    while not child_id and time.monotonic() < deadline:
        child_id = client.get(f"/workflow/{wf_id}").json()["tasks"][0].get("subWorkflowId")
        time.sleep(0.1)
    assert child_id
    client.delete(f"/workflow/{child_id}", params={"reason": "stop it"})
    wf = wait_for(client, wf_id)
    assert wf["status"] == "TERMINATED"
    assert wf["tasks"][0]["status"] == "CANCELED" and "stop it" in wf["tasks"][0]["reasonForIncompletion"]


def test_terminating_the_parent_terminates_the_child(client):  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:6]
    _register(client, {"name": f"child3_{tag}", "version": 1, "tasks": [{"name": "nobody", "taskReferenceName": "w"}]})
    _register(client, {"name": f"parent3_{tag}", "version": 1, "tasks": [
        {"name": "sub", "taskReferenceName": "sub", "type": "SUB_WORKFLOW", "subWorkflowParam": {"name": f"child3_{tag}"}}]})
    wf_id = client.post("/workflow", json={"name": f"parent3_{tag}"}).text
    deadline = time.monotonic() + 15
    child_id = None
    while not child_id and time.monotonic() < deadline:
        child_id = client.get(f"/workflow/{wf_id}").json()["tasks"][0].get("subWorkflowId")
        time.sleep(0.1)
    client.delete(f"/workflow/{wf_id}", params={"reason": "parent gone"})
    assert wait_for(client, child_id)["status"] == "TERMINATED"


def test_http_task_calls_an_allow_listed_server_and_refuses_loopback_otherwise(client):  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:6]
    _register(client, {"name": f"http_{tag}", "version": 1, "tasks": [
        {"name": "call", "taskReferenceName": "call", "type": "HTTP", "inputParameters": {"http_request": {
            "uri": f"http://127.0.0.1:{HTTP_PORT}/ok", "method": "POST", "body": {"order": "${workflow.input.order}"}}}},
        {"name": "meta", "taskReferenceName": "meta", "type": "HTTP", "inputParameters": {"http_request": {
            "uri": "http://169.254.169.254/latest/meta-data/", "method": "GET"}}, "optional": True},
    ], "outputParameters": {"status": "${call.output.response.statusCode}", "got": "${call.output.response.body.got}"}})
    wf_id = client.post("/workflow", json={"name": f"http_{tag}", "input": {"order": 9}}).text
    wf = wait_for(client, wf_id)
    assert wf["status"] == "COMPLETED", wf
    assert wf["output"] == {"status": 201, "got": {"order": 9}}
    call, meta = wf["tasks"]
    assert call["outputData"]["response"]["body"]["idem"] == f"{call['taskId']}:0"
    assert meta["status"] == "COMPLETED_WITH_ERRORS" and "destination not allowed" in meta["reasonForIncompletion"]


def test_start_workflow_event_wait_and_human(client):  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:6]
    _register(client, {"name": f"target_{tag}", "version": 1, "tasks": [
        {"name": "n", "taskReferenceName": "n", "type": "NOOP"}]})
    _register(client, {"name": f"mixed_{tag}", "version": 1, "tasks": [
        {"name": "start", "taskReferenceName": "start", "type": "START_WORKFLOW",
         "inputParameters": {"startWorkflow": {"name": f"target_{tag}", "input": {"a": 1}}}},
        {"name": "ev", "taskReferenceName": "ev", "type": "EVENT", "sink": "conductor:audit", "inputParameters": {"k": 1}},
        {"name": "pause", "taskReferenceName": "pause", "type": "WAIT", "inputParameters": {"duration": "1s"}},
        {"name": "approve", "taskReferenceName": "approve", "type": "HUMAN"}]})
    wf_id = client.post("/workflow", json={"name": f"mixed_{tag}"}).text
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        wf = client.get(f"/workflow/{wf_id}").json()
        if any(t["referenceTaskName"] == "approve" for t in wf["tasks"]):
            break
        time.sleep(0.2)
    statuses = {t["referenceTaskName"]: t["status"] for t in wf["tasks"]}
    assert statuses == {"start": "COMPLETED", "ev": "COMPLETED", "pause": "COMPLETED", "approve": "IN_PROGRESS"}
    started = wf["tasks"][0]["outputData"]["workflowId"]
    assert wait_for(client, started)["status"] == "COMPLETED"
    assert wf["tasks"][1]["outputData"]["event_produced"] == "audit"
    r = client.post(f"/tasks/{wf_id}/approve/COMPLETED", json={"approved": True})
    assert r.status_code == 200
    assert wait_for(client, wf_id)["status"] == "COMPLETED"
