"""The fast path (worker calls and starts) answers exactly what Django's full path answers.

Each request goes once through the real ASGI application (`orchestrator.asgi.application`,
where `WorkerFastPath` takes token callers of the hot routes) and once through Django's own
ASGI handler (the middleware chain, URL resolver, the same views), on PostgreSQL.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from orchestrator.asgi import application, django_app
from orchestrator.models import ApiApplication
from orchestrator.services import access, definitions, workflows

pytestmark = [
    pytest.mark.db_tier,
    pytest.mark.django_db(transaction=True),  # the views work in other threads
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),  # WhiteNoise: no collectstatic here
]

DOC = {"name": "fp_wf", "version": 1, "tasks": [
    {"name": "fp_t", "taskReferenceName": "a"}, {"name": "fp_t", "taskReferenceName": "b"}]}
HEADERS_KEPT = ("content-type", "x-content-type-options", "x-frame-options", "referrer-policy", "allow")


def _token(role: str) -> str:
    app, secret = access.create_application(f"fp-{role}", role)
    return access.issue_token(app.key_id, secret)


async def _send(app: Any, method: str, path: str, token: str | None, **kwargs: Any) -> httpx.Response:
    headers = {"X-Authorization": token} if token else {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        return await client.request(method, path, headers=headers, **kwargs)


def _both(method: str, path: str, token: str | None, **kwargs: Any) -> tuple[httpx.Response, httpx.Response]:
    async def run() -> tuple[httpx.Response, httpx.Response]:
        return (await _send(application, method, path, token, **kwargs),
                await _send(django_app, method, path, token, **kwargs))

    return asyncio.run(run())


def _same(fast: httpx.Response, full: httpx.Response) -> None:
    assert (fast.status_code, fast.content) == (full.status_code, full.content)
    for name in HEADERS_KEPT:
        assert fast.headers.get(name) == full.headers.get(name), name


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/api/tasks", {}),
    ("POST", "/api/tasks", {"taskId": "nope", "status": "DONE"}),
    ("POST", "/api/tasks/update-v2", {"taskId": "nope", "status": "COMPLETED", "outputData": [1]}),
    ("POST", "/api/tasks/update-v2", {"taskId": "nope", "status": "COMPLETED"}),
    ("POST", "/api/tasks/update-v2", b"{not json"),
    ("GET", "/api/tasks/poll/batch/fp_t?count=0", None),
    ("GET", "/api/tasks/poll/batch/fp_t?timeout=-1", None),
    ("GET", "/api/tasks/poll/batch/fp_none?count=2&timeout=0", None),
    ("GET", "/api/tasks", None),
    ("POST", "/api/workflow", {}),
    ("POST", "/api/workflow", {"name": "fp_missing"}),
    ("POST", "/api/workflow", {"name": "fp_wf", "input": [1]}),
    ("POST", "/api/workflow", b"[1, 2]"),
    ("GET", "/api/workflow", None),
])
@pytest.mark.parametrize("credential", ["worker", "admin", "bad"])
def test_errors_and_refusals_are_the_same_on_both_paths(method: str, path: str, body: Any, credential: str) -> None:
    token = {"worker": lambda: _token(ApiApplication.ROLE_WORKER), "admin": lambda: _token(ApiApplication.ROLE_ADMIN),
             "bad": lambda: "not-a-token"}[credential]()
    kwargs: dict[str, Any] = {}
    if isinstance(body, bytes):
        kwargs["content"] = body
    elif body is not None:
        kwargs["json"] = body
    fast, full = _both(method, path, token, **kwargs)
    _same(fast, full)
    assert fast.status_code != 500


def test_a_worker_hop_through_the_fast_path_matches_the_full_path() -> None:
    definitions.save_workflow_def(DOC, overwrite=True)
    token = _token(ApiApplication.ROLE_WORKER)
    runs = []
    for app in (application, django_app):
        workflow_id = workflows.start(workflows.StartRequest(name="fp_wf", input={}))

        async def hop(app: Any = app) -> list[httpx.Response]:
            polled = await _send(app, "GET", "/api/tasks/poll/batch/fp_t?count=1&timeout=100", token)
            first = polled.json()[0]
            nxt = await _send(app, "POST", "/api/tasks/update-v2", token, json={
                "taskId": first["taskId"], "status": "COMPLETED", "outputData": {"v": 1}, "workerId": "w"})
            last = await _send(app, "POST", "/api/tasks", token, json={
                "taskId": nxt.json()["taskId"], "status": "COMPLETED", "workerId": "w"})
            return [polled, nxt, last]

        polled, nxt, last = asyncio.run(hop())
        assert polled.status_code == 200 and polled.json()[0]["workflowInstanceId"] == workflow_id
        assert nxt.status_code == 200 and nxt.json()["referenceTaskName"] == "b"
        assert last.status_code == 200 and last.text == nxt.json()["taskId"]
        assert workflows.get(workflow_id).status == "COMPLETED"
        runs.append([(r.status_code, sorted(k for k in r.headers if k in HEADERS_KEPT)) for r in (polled, nxt, last)])
    assert runs[0] == runs[1]


def test_session_callers_and_other_routes_are_left_to_django() -> None:
    from orchestrator.api.fastpath import WorkerFastPath

    fast = WorkerFastPath(django_app)

    def scope(method: str, path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
        return {"type": "http", "method": method, "path": path, "headers": [(b"host", b"localhost"), *headers]}

    token = [(b"x-authorization", b"t")]
    assert fast._route(scope("POST", "/api/tasks/update-v2", token)) is not None
    assert fast._route(scope("GET", "/api/tasks/poll/batch/q", [(b"authorization", b"Bearer t")])) is not None
    assert fast._route(scope("POST", "/api/tasks/update-v2", [(b"cookie", b"sessionid=x")])) is None
    assert fast._route(scope("POST", "/api/tasks/update-v2", [(b"authorization", b"Basic dTpw")])) is None
    assert fast._route(scope("GET", "/api/tasks/poll/q", token)) is None
    assert fast._route(scope("POST", "/api/workflow", token)) is not None  # start
    assert fast._route(scope("POST", "/api/workflow/fp_wf", token)) is None  # start by name: not hot
    evil = {**scope("POST", "/api/tasks", token), "headers": [(b"host", b"evil.example"), *token]}
    assert fast._route(evil) is None


def test_a_start_through_the_fast_path_matches_the_full_path() -> None:
    definitions.save_workflow_def(DOC, overwrite=True)
    token = _token(ApiApplication.ROLE_ADMIN)
    body = {"name": "fp_wf", "input": {"k": 1}, "correlationId": "fp-corr"}
    fast, full = _both("POST", "/api/workflow", token, json=body)
    assert fast.status_code == full.status_code == 200
    assert fast.headers["content-type"] == full.headers["content-type"]
    started = [workflows.get(r.text) for r in (fast, full)]
    assert [(w.name, w.input, w.correlation_id, w.status) for w in started] == [("fp_wf", {"k": 1}, "fp-corr", "RUNNING")] * 2
    assert started[0].created_by == started[1].created_by != ""
    worker = _token(ApiApplication.ROLE_WORKER)  # starting needs the ADMIN role on both paths
    refused = _both("POST", "/api/workflow", worker, json=body)
    _same(*refused)
    assert refused[0].status_code == 403
