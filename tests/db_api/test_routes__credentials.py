"""Every URL pattern × every kind of credential answers what the access rules promise.

The patterns come from Django's resolver (recursively: API, pages, admin) and from the websocket
router; each must be classified in routes_table.py, so a new endpoint cannot ship unclassified.
Requests go through the real middleware and the real ASGI application (Django's test client,
Channels' communicator), on PostgreSQL, with no server process.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from editor import views as editor_views
from executions.routing import websocket_urlpatterns
from orchestrator.models import ApiApplication
from orchestrator.services import access

from . import routes_table as table

pytestmark = [
    pytest.mark.db_tier,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),  # WhiteNoise: no collectstatic here
]

SAFE = {"GET", "HEAD", "OPTIONS"}
METHODS = ("GET", "POST", "PUT", "DELETE")
LOGIN = settings.LOGIN_URL
ORIGIN = "http://localhost"  # an allowed host: the websocket's Origin check lets it through

# name → what it sends. Sessions carry a CSRF cookie; `csrf` says what goes in X-CSRFToken.
CREDENTIALS = ["none", "bad_token", "expired_jwt", "forged_jwt", "worker_key", "admin_key",
               "staff_session", "staff_session_no_csrf", "staff_session_wrong_csrf", "user_session"]
REFUSED_TOKENS = {"bad_token": "INVALID_TOKEN", "expired_jwt": "EXPIRED_TOKEN", "forged_jwt": "INVALID_TOKEN"}
BAD_CSRF = {"staff_session_no_csrf", "staff_session_wrong_csrf"}
SESSIONS = {"staff_session", "user_session"} | BAD_CSRF


# -- the site's patterns ----------------------------------------------------------------------
def _walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        else:
            assert isinstance(pattern, URLPattern)
            yield route


def _model_prefixes() -> dict[str, str]:
    return {f"admin/{m._meta.app_label}/{m._meta.model_name}/": "admin/<model>/" for m in admin.site._registry}


def table_key(route: str) -> str:
    """The table's name for a route: admin model pages share one entry per kind of page."""
    for prefix, key in _model_prefixes().items():
        if route.startswith(prefix):
            return key + route[len(prefix):]
    if route.startswith("admin/^(?P<app_label>"):
        return "admin/<app_label>/"
    return route


def http_routes() -> list[str]:
    return list(_walk(get_resolver().url_patterns))


def ws_routes() -> list[str]:
    return list(_walk(websocket_urlpatterns))


def sample_path(route: str) -> str:
    """A concrete path for a route: converters filled with values that match no row."""
    if route.startswith("admin/^(?P<app_label>"):
        return "/admin/auth/"
    if route == "admin/(?P<url>.*)$":
        return "/admin/nope/"
    if "(?P<path>" in route:  # a catch-all
        return "/" + route.split("^", 1)[0] + "no/such/endpoint"
    path = route
    for token, value in (("<int:", "1"), ("<str:", "nope"), ("<path:", "nope"), ("<", "nope")):
        while token in path:
            start = path.index(token)
            path = path[:start] + value + path[path.index(">", start) + 1:]
    return "/" + path


def test_every_pattern_is_classified() -> None:
    known = {**table.API, **table.PAGES, **table.ADMIN_SITE, **table.ACCOUNTS, **table.DASHBOARDS}
    missing = sorted({table_key(r) for r in http_routes()} - known.keys())
    missing += sorted(set(ws_routes()) - table.STREAMS.keys())
    assert not missing, f"classify these URL patterns in tests/db_api/routes_table.py: {missing}"


# -- credentials ------------------------------------------------------------------------------
@dataclass
class Caller:
    name: str
    client: Client
    headers: dict[str, str] = field(default_factory=dict)
    csrf_header: str | None = None
    token: str | None = None
    cookie: str = ""

    def request(self, method: str, path: str) -> HttpResponse:
        headers = dict(self.headers)
        if self.csrf_header is not None and method not in SAFE:
            headers["X-CSRFToken"] = self.csrf_header
        body = {} if method in ("POST", "PUT") else None
        kwargs: dict[str, Any] = {"headers": headers, "follow": False}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return self.client.generic(method, path, **kwargs)


def _jwt(key_id: str, secret: str, exp: int) -> str:
    return jwt.encode({"sub": key_id, "name": "x", "role": "ADMIN", "iat": exp - 60, "exp": exp}, secret, "HS256")


def make_caller(name: str) -> Caller:
    client = Client(enforce_csrf_checks=True)
    if name in SESSIONS:
        user_model = get_user_model()
        if name == "user_session":
            user = user_model.objects.create_user("plain", password="pw-plain-12345")
        else:
            user = user_model.objects.create_superuser("staff", "s@example.com", "pw-staff-12345")
        client.force_login(user)
        secret = _get_new_csrf_string()
        client.cookies[settings.CSRF_COOKIE_NAME] = secret
        csrf = {"staff_session_no_csrf": None, "staff_session_wrong_csrf": _get_new_csrf_string()}.get(name, secret)
        return Caller(name, client, csrf_header=csrf,
                      cookie=f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    if name == "none":
        return Caller(name, client)
    admin_app, admin_secret = access.create_application("admins", ApiApplication.ROLE_ADMIN)
    now = int(time.time())
    token = {
        "bad_token": lambda: "not-a-token",
        "expired_jwt": lambda: _jwt(admin_app.key_id, settings.SECRET_KEY, now - 3600),
        "forged_jwt": lambda: _jwt(admin_app.key_id, "another-server's-key-" + "x" * 32, now + 3600),
        "admin_key": lambda: access.issue_token(admin_app.key_id, admin_secret),
        "worker_key": lambda: access.issue_token(*_worker_key()),
    }[name]()
    return Caller(name, client, headers={"X-Authorization": token}, token=token)


def _worker_key() -> tuple[str, str]:
    app, secret = access.create_application("workers", ApiApplication.ROLE_WORKER)
    return app.key_id, secret


# -- what each rule promises ------------------------------------------------------------------
def expected_api(rule: str, caller: str, method: str, allowed: int) -> int:
    if rule == table.PUBLIC:
        return allowed
    if caller == "none" or caller in REFUSED_TOKENS:
        return 401
    if caller in BAD_CSRF and method not in SAFE:
        return 403
    if rule == table.HUMAN and caller in ("worker_key", "admin_key"):
        return 403 if caller == "worker_key" else 400  # an application must name whom it acts for
    if caller in ("worker_key", "user_session") and rule not in (table.WORKER, table.HUMAN):
        return 403
    return allowed


def _is_login_redirect(response: HttpResponse) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def check_api(caller: Caller, path: str, rule: str, statuses: dict[str, int]) -> list[str]:
    problems = []
    for method, allowed in statuses.items():
        if caller.name in BAD_CSRF and method in SAFE:
            continue  # CSRF concerns unsafe methods only: the same as staff_session
        response = caller.request(method, path)
        want = expected_api(rule, caller.name, method, allowed)
        got = response.status_code
        if got != want:
            problems.append(f"{method} {path}: {got} (want {want}) {response.content[:120]!r}")
        elif got in (401, 403):
            error = response.json().get("error")
            code = REFUSED_TOKENS.get(caller.name, "INVALID_TOKEN") if got == 401 else "FORBIDDEN"
            if error != code:
                problems.append(f"{method} {path}: error {error!r}, want {code!r}")
    return problems


def check_page(caller: Caller, path: str, rule: str) -> list[str]:
    if caller.name in BAD_CSRF:
        return []  # pages are checked with GET (logout: see below), where CSRF plays no part
    response = caller.request("GET", path)
    got, staff, session = response.status_code, caller.name == "staff_session", caller.name in SESSIONS
    if rule == table.PAGE:
        ok = got == 200 if session else _is_login_redirect(response)
    elif rule == table.PAGE_4XX:
        ok = (400 <= got < 500 and got not in (401, 403)) if session else _is_login_redirect(response)
    elif rule == table.SITE:  # the admin keeps its own (staff-only) login page
        to_admin_login = got == 302 and response["Location"].startswith("/admin/login/")
        ok = (got < 500 and not to_admin_login) if staff else to_admin_login
    elif rule == table.SIGN_IN:
        landing = "/" if staff else "/inbox/"
        ok = (got == 302 and response["Location"] == landing) if session else got == 200
    elif rule == table.SIGN_OUT:
        ok = got == 405
    elif rule == table.SITE_LOGIN:
        ok = (got == 302 and response["Location"] == "/admin/") if staff else got == 200
    elif rule == table.SITE_LOGOUT:
        ok = got == 405 if staff else (got == 302 and response["Location"] == "/admin/")
    else:
        raise AssertionError(f"unknown rule {rule}")
    return [] if ok else [f"GET {path}: {got} {response.get('Location', '')} for rule {rule}"]


def check_dashboard(caller: Caller, path: str, staff_status: int) -> list[str]:
    if caller.name in BAD_CSRF:
        return []  # GET only, where CSRF plays no part (the action's CSRF: tests/db_api/test_views_run__*)
    response = caller.request("GET", path)
    got = response.status_code
    if caller.name == "staff_session":
        ok = got == staff_status
    elif caller.name == "user_session":
        ok = got == 403
    else:
        ok = _is_login_redirect(response)  # tokens do not log in
    return [] if ok else [f"GET {path}: {got} {response.get('Location', '')} for rule {table.DASHBOARD}"]


def check_stream(caller: Caller, route: str) -> list[str]:
    from orchestrator.asgi import application

    path = sample_path(route)
    if caller.token:
        path += f"?token={caller.token}"
    headers = [(b"origin", ORIGIN.encode())]
    if caller.cookie:
        headers.append((b"cookie", caller.cookie.encode()))

    async def connect() -> tuple[bool, Any]:
        communicator = WebsocketCommunicator(application, path, headers=headers)
        try:
            return await communicator.connect(timeout=5)
        finally:
            await communicator.disconnect()

    accepted, code = async_to_sync(connect)()
    # The same rule as GET /api/workflow/{id}: allowed callers get past it to "no such workflow"
    # (the dashboard stream has no object to look up: they are accepted).
    api_status = expected_api(table.ADMIN, caller.name, "GET", 404)
    if table.STREAMS[route] == table.DASHBOARD_STREAM and api_status == 404:
        return [] if accepted else [f"websocket {path}: {accepted, code}, want accepted"]
    want = {401: 4401, 403: 4403, 404: 4404}[api_status]
    return [] if (not accepted and code == want) else [f"websocket {path}: {accepted, code}, want close {want}"]


@pytest.fixture(autouse=True)
def built_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The editor page answers 503 until its bundle is built; give it a manifest."""
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"src/main.tsx": {"file": "assets/main.js", "isEntry": True}}))
    monkeypatch.setattr(editor_views, "manifest_path", lambda: manifest)


@pytest.mark.parametrize("credential", CREDENTIALS)
def test_every_route_answers_each_credential_as_its_rule_says(credential: str) -> None:
    caller = make_caller(credential)
    problems: list[str] = []
    for route in http_routes():
        key = table_key(route)
        path = sample_path(route)
        if key in table.API:
            rule, statuses = table.API[key]
            problems += check_api(caller, path, rule, statuses)
        elif key in table.DASHBOARDS:
            problems += check_dashboard(caller, path, table.DASHBOARDS[key])
        elif key in table.PAGES or key in table.ADMIN_SITE or key in table.ACCOUNTS:
            problems += check_page(caller, path, {**table.PAGES, **table.ADMIN_SITE, **table.ACCOUNTS}[key])
        else:
            problems.append(f"unclassified: {route}")
    for route in ws_routes():
        problems += check_stream(caller, route)
    assert not problems, f"{credential}:\n" + "\n".join(problems)


def test_methods_an_endpoint_does_not_have_answer_405() -> None:
    caller = make_caller("admin_key")
    problems = []
    for route in http_routes():
        entry = table.API.get(table_key(route))
        if entry is None:
            continue
        for method in set(METHODS) - entry[1].keys():
            got = caller.request(method, sample_path(route)).status_code
            if got != 405:
                problems.append(f"{method} {route}: {got}")
    assert not problems, "\n".join(problems)
