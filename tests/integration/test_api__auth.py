"""API authentication as the conductor-python SDK expects it."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from tests.live import ROOT

pytestmark = pytest.mark.integration


def test_requests_without_a_token_get_401_with_an_error_code(pg_stack):  # type: ignore[no-untyped-def]
    r = httpx.get(pg_stack.url + "/api/metadata/workflow")
    assert r.status_code == 401 and r.json()["error"] == "INVALID_TOKEN"
    r = httpx.get(pg_stack.url + "/api/tasks/poll/batch/x")
    assert r.status_code == 401 and r.json()["error"] == "INVALID_TOKEN"


def test_tampered_and_expired_tokens_are_rejected(pg_stack):  # type: ignore[no-untyped-def]
    token = pg_stack.token()
    head, body, sig = token.split(".")
    tampered = f"{head}.{body}.{sig[:-2]}AA"
    r = httpx.get(pg_stack.url + "/api/metadata/workflow", headers={"X-Authorization": tampered})
    assert r.status_code == 401 and r.json()["error"] == "INVALID_TOKEN"
    import jwt

    expired = jwt.encode({"sub": pg_stack.key_id, "exp": 1, "iat": 0}, pg_stack.env["BATON_SECRET_KEY"], "HS256")
    r = httpx.get(pg_stack.url + "/api/metadata/workflow", headers={"X-Authorization": expired})
    assert r.status_code == 401 and r.json()["error"] == "EXPIRED_TOKEN"
    r = httpx.get(pg_stack.url + "/api/metadata/workflow", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200


def test_wrong_secret_is_401_and_repeated_failures_are_throttled(pg_stack):  # type: ignore[no-untyped-def]
    statuses = [
        httpx.post(pg_stack.url + "/api/token", json={"keyId": "nobody", "keySecret": "wrong"}).status_code
        for _ in range(12)
    ]
    assert statuses[0] == 401 and statuses[-1] == 429


def test_worker_role_may_poll_but_not_manage_metadata(pg_stack):  # type: ignore[no-untyped-def]
    out = pg_stack.manage("create_api_key", "workers-only", "--role", "WORKER")
    values = dict(line.split("=", 1) for line in out.strip().splitlines())
    token = httpx.post(pg_stack.url + "/api/token", json={"keyId": values["CONDUCTOR_AUTH_KEY"],
                                                          "keySecret": values["CONDUCTOR_AUTH_SECRET"]}).json()["token"]
    headers = {"X-Authorization": token}
    assert httpx.get(pg_stack.url + "/api/tasks/poll/batch/x", headers=headers).status_code == 200
    r = httpx.get(pg_stack.url + "/api/metadata/workflow", headers=headers)
    assert r.status_code == 403


def test_create_api_key_prints_the_two_sdk_variables(pg_stack):  # type: ignore[no-untyped-def]
    out = pg_stack.manage("create_api_key", "printer")
    lines = out.strip().splitlines()
    assert [line.split("=", 1)[0] for line in lines] == ["CONDUCTOR_AUTH_KEY", "CONDUCTOR_AUTH_SECRET"]


def test_open_mode_answers_404_on_token_and_needs_no_auth(open_stack):  # type: ignore[no-untyped-def]
    assert httpx.post(open_stack.url + "/api/token", json={"keyId": "a", "keySecret": "b"}).status_code == 404
    assert httpx.get(open_stack.url + "/api/metadata/workflow").status_code == 200
    # and the SDK runs in open mode against it
    code = (
        "from conductor.client.configuration.configuration import Configuration\n"
        "from conductor.client.orkes_clients import OrkesClients\n"
        "print(len(OrkesClients(Configuration()).get_metadata_client().get_all_workflow_defs()))\n"
    )
    env = open_stack.sdk_env()
    env.update(CONDUCTOR_AUTH_KEY="unused", CONDUCTOR_AUTH_SECRET="unused")
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().isdigit()
