"""Paths /api does not serve answer Conductor's JSON error body (no database: nothing is looked up)."""

from __future__ import annotations

import pytest
from django.test import Client

CONDUCTOR_ERROR_FIELDS = {"status", "message", "instance", "retryable"}


@pytest.fixture()
def client() -> Client:
    return Client(HTTP_HOST="localhost")


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/nope"),
    ("get", "/api/"),
    ("post", "/api/workflow/abc/def/ghi"),  # deeper than any workflow route
    ("delete", "/api/metadata/workflow/name/not-a-version"),  # a known route whose int segment fails
    ("put", "/api/tasks/a/b/c/d/e/f"),
])
def test_unknown_api_paths_answer_a_json_404(client: Client, method: str, path: str) -> None:
    r = getattr(client, method)(path)
    assert r.status_code == 404
    assert r["Content-Type"] == "application/json"
    body = r.json()
    assert CONDUCTOR_ERROR_FIELDS <= body.keys()
    assert body["status"] == 404 and body["retryable"] is False
    assert path in body["message"] and method.upper() in body["message"]


def test_a_session_post_to_an_unknown_path_is_a_404_not_a_csrf_page() -> None:
    client = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    client.cookies["sessionid"] = "whatever"
    r = client.post("/api/nope", data="{}", content_type="application/json")
    assert r.status_code == 404 and r.json()["status"] == 404


@pytest.mark.parametrize(("method", "path"), [
    ("put", "/api/token"),  # a DRF view
    ("get", "/api/workflow/execute/wf/1"),  # an async view
    ("post", "/api/tasks/poll/batch/queue"),  # an async view
])
def test_a_wrong_method_on_a_known_path_answers_a_json_405(client: Client, method: str, path: str) -> None:
    r = getattr(client, method)(path)
    assert r.status_code == 405
    assert r["Content-Type"] == "application/json"
    assert CONDUCTOR_ERROR_FIELDS <= r.json().keys() and r.json()["status"] == 405


def test_pages_outside_the_api_keep_django_s_html_404(client: Client) -> None:
    r = client.get("/definitely-not-a-page/")
    assert r.status_code == 404 and "json" not in r["Content-Type"]
