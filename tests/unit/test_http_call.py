"""HTTP task side effect: Conductor's input/output shape and the SSRF controls (RELIABILITY §2.6, test 33).

Only loopback is ever connected to. "Public" addresses come from an injected resolver, and those
tests assert the request is refused (or intercepted) before any connection is made.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from orchestrator.systemtasks.http_call import HttpOutcome, HttpPolicy, execute, is_denied, parse_request
from tests.unit.http_fixtures import loopback_server, make_tls_files

PUBLIC = "93.184.216.34"
TERMINAL = "FAILED_WITH_TERMINAL_ERROR"


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    with loopback_server() as p:
        yield p


@pytest.fixture()
def allowed(port: int) -> HttpPolicy:
    return HttpPolicy(allowed_hosts=frozenset({f"127.0.0.1:{port}"}))


@pytest.fixture()
def no_connect(monkeypatch: pytest.MonkeyPatch) -> list[httpx.Request]:
    """Fail the test if execute() tries to send anything."""
    sent: list[httpx.Request] = []

    def send(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        sent.append(request)
        raise AssertionError(f"connected to {request.url}")

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", send)
    return sent


class resolver_for:  # noqa: N801 - reads as a function at call sites
    """An injected resolver over a fixed table that records its calls."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.calls: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append((host, port))
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return self.table[host]


def call(uri: str, policy: HttpPolicy, method: str = "GET", **extra: Any) -> HttpOutcome:
    return execute({"http_request": {"uri": uri, "method": method, **extra}}, policy)


# ---------------------------------------------------------------------------------------- input


def test_parse_nested_and_defaults() -> None:
    spec = parse_request({"http_request": {"uri": "http://x/", "method": "post"}})
    assert (spec.uri, spec.method, spec.body, spec.headers) == ("http://x/", "POST", None, ())
    assert (spec.accept, spec.content_type) == ("application/json", "application/json")
    assert (spec.connect_timeout_s, spec.read_timeout_s) == (3.0, 3.0)


def test_parse_keys_directly_in_input() -> None:
    spec = parse_request({"uri": "http://x/", "method": "PUT", "body": {"a": 1}, "headers": {"X-N": 5},
                          "connectionTimeOut": 250, "readTimeOut": "1500", "contentType": "text/plain"})
    assert spec.method == "PUT" and spec.body == {"a": 1} and spec.headers == (("X-N", "5"),)
    assert (spec.connect_timeout_s, spec.read_timeout_s, spec.content_type) == (0.25, 1.5, "text/plain")


@pytest.mark.parametrize(
    ("task_input", "message"),
    [
        ({"http_request": {"method": "GET"}}, "Missing HTTP URI"),
        ({"http_request": {"uri": "http://x/"}}, "No HTTP method"),
        ({"http_request": {"uri": 5, "method": "GET"}}, "uri must be a string"),
        ({"http_request": {"uri": "http://x/", "method": "FETCH"}}, "is not one of"),
        ({"http_request": "http://x/"}, "must be an object"),
        ({"http_request": {"uri": "http://x/", "method": "GET", "headers": ["a"]}}, "headers must be an object"),
        ({"http_request": {"uri": "http://x/", "method": "GET", "headers": {"X": "a\r\nB: c"}}}, "line break"),
        ({"http_request": {"uri": "http://x/", "method": "GET", "headers": {"Bad Name": "a"}}}, "invalid header name"),
        ({"http_request": {"uri": "http://x/", "method": "GET", "readTimeOut": -1}}, "readTimeOut must be"),
        ({"http_request": {"uri": "http://x/", "method": "GET", "connectionTimeOut": True}}, "connectionTimeOut"),
        ({"http_request": {"uri": "http://x/", "method": "GET", "accept": 3}}, "accept must be a string"),
    ],
)
def test_parse_rejects_bad_input(task_input: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_request(task_input)


def test_missing_uri_fails_without_connecting(no_connect: list[httpx.Request]) -> None:
    out = execute({"http_request": {"method": "GET"}}, HttpPolicy())
    assert out.status == "FAILED" and out.reason and "Missing HTTP URI" in out.reason
    assert out.output == {"error": out.reason}


# ---------------------------------------------------------------------------------- happy path


def test_get_completes_with_conductor_response_shape(port: int, allowed: HttpPolicy) -> None:
    out = execute({"http_request": {"uri": f"http://127.0.0.1:{port}/echo?q=1", "method": "GET"}}, allowed,
                  idempotency_key="wf-1:task-1")
    assert out.status == "COMPLETED" and out.reason is None
    resp = out.output["response"]
    assert resp["statusCode"] == 200 and resp["reasonPhrase"] == "OK"
    assert resp["headers"]["X-Multi"] == ["a"] and resp["headers"]["Content-Type"] == ["application/json"]
    echo = resp["body"]
    assert echo["method"] == "GET" and echo["path"] == "/echo?q=1"
    h = echo["headers"]
    assert h["user-agent"] == ["Baton-HTTP-Task"] and h["accept"] == ["application/json"]
    assert h["idempotency-key"] == ["wf-1:task-1"] and h["host"] == [f"127.0.0.1:{port}"]
    assert "accept-encoding" not in h and "content-type" not in h  # only what the definition set


def test_same_url_refused_without_allow_list(port: int, no_connect: list[httpx.Request]) -> None:
    out = call(f"http://127.0.0.1:{port}/echo", HttpPolicy())
    assert out.status == TERMINAL and out.reason and out.reason.startswith("destination not allowed")
    assert out.output == {"error": out.reason} and no_connect == []


def test_operator_can_drop_the_deny_list(port: int) -> None:
    assert call(f"http://127.0.0.1:{port}/echo", HttpPolicy(deny_cidrs=())).status == "COMPLETED"


def test_json_body_is_echoed(port: int, allowed: HttpPolicy) -> None:
    out = call(f"http://127.0.0.1:{port}/echo", allowed, "POST", body={"n": [1, 2], "s": "é"})
    echo = out.output["response"]["body"]
    assert out.status == "COMPLETED" and echo["method"] == "POST" and echo["body"] == {"n": [1, 2], "s": "é"}
    assert echo["headers"]["content-type"] == ["application/json"]


def test_string_body_sent_as_is(port: int, allowed: HttpPolicy) -> None:
    out = call(f"http://127.0.0.1:{port}/echo", allowed, "PUT", body="just text", contentType="text/plain")
    echo = out.output["response"]["body"]
    assert echo["body"] == "just text" and echo["headers"]["content-type"] == ["text/plain"]


def test_definition_headers_sent_hop_by_hop_stripped(port: int, allowed: HttpPolicy) -> None:
    headers = {"X-Api": "k", "Idempotency-Key": "mine", "User-Agent": "custom", "Upgrade": "h2c",
               "Host": "internal.admin", "Proxy-Authorization": "Basic eA==", "Keep-Alive": "5"}
    out = execute({"http_request": {"uri": f"http://127.0.0.1:{port}/echo", "method": "GET", "headers": headers}},
                  allowed, idempotency_key="ignored")
    h = out.output["response"]["body"]["headers"]
    assert h["x-api"] == ["k"] and h["idempotency-key"] == ["mine"] and h["user-agent"] == ["custom"]
    assert h["host"] == [f"127.0.0.1:{port}"]
    assert not {"upgrade", "proxy-authorization", "keep-alive"} & set(h)


def test_text_response_body_kept_as_string(port: int, allowed: HttpPolicy) -> None:
    out = call(f"http://127.0.0.1:{port}/text", allowed)
    assert out.status == "COMPLETED" and out.output["response"]["body"] == "plain words, not json"


# -------------------------------------------------------------------------------------- failures


def test_non_2xx_fails_with_body_as_reason(port: int, allowed: HttpPolicy) -> None:
    out = call(f"http://127.0.0.1:{port}/status/503?body=" + "z" * 700, allowed)
    assert out.status == "FAILED" and out.reason == "z" * 500
    assert out.output["response"]["statusCode"] == 503 and out.output["response"]["body"] == "z" * 700


def test_non_2xx_without_body(port: int, allowed: HttpPolicy) -> None:
    out = call(f"http://127.0.0.1:{port}/status/404", allowed)
    assert (out.status, out.reason) == ("FAILED", "HTTP 404 Not Found")


def test_read_timeout_fails_retriably(port: int, allowed: HttpPolicy) -> None:
    out = call(f"http://127.0.0.1:{port}/slow?s=1", allowed, readTimeOut=150)
    assert out.status == "FAILED" and out.reason and out.reason.startswith("timeout")
    assert out.output == {"error": out.reason}


def test_connection_refused_fails_retriably() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    out = call(f"http://127.0.0.1:{closed}/", HttpPolicy(allowed_hosts=frozenset({f"127.0.0.1:{closed}"})))
    assert out.status == "FAILED" and "ConnectError" in (out.reason or "")


def test_unresolvable_host_fails_retriably(no_connect: list[httpx.Request]) -> None:
    out = call("http://nowhere.test/", HttpPolicy(resolver=resolver_for({})))
    assert out.status == "FAILED" and "could not resolve host" in (out.reason or "")


@pytest.mark.parametrize("chunked", ["", "1"])
def test_response_size_cap(port: int, chunked: str) -> None:
    policy = HttpPolicy(allowed_hosts=frozenset({f"127.0.0.1:{port}"}), max_response_bytes=4096)
    small = call(f"http://127.0.0.1:{port}/big?n=4096&chunked={chunked}", policy)
    assert small.status == "COMPLETED" and len(small.output["response"]["body"]) == 4096
    out = call(f"http://127.0.0.1:{port}/big?n=20480&chunked={chunked}", policy)
    assert out.status == "FAILED" and out.reason and out.reason.startswith("response too large")


# ------------------------------------------------------------------------------------- redirects


def test_redirect_chain_within_allowed_host(port: int, allowed: HttpPolicy) -> None:
    out = call(f"http://127.0.0.1:{port}/redirect/5", allowed)
    assert out.status == "COMPLETED" and out.output["response"]["body"]["path"] == "/echo"


def test_too_many_redirects(port: int, allowed: HttpPolicy) -> None:
    out = call(f"http://127.0.0.1:{port}/redirect/6", allowed)
    assert out.status == "FAILED" and "too many redirects" in (out.reason or "")


def test_302_turns_post_into_get_and_307_keeps_it(port: int, allowed: HttpPolicy) -> None:
    via302 = call(f"http://127.0.0.1:{port}/to?loc=/echo&code=302", allowed, "POST", body={"a": 1})
    assert via302.output["response"]["body"]["method"] == "GET" and via302.output["response"]["body"]["body"] is None
    via307 = call(f"http://127.0.0.1:{port}/to?loc=/echo&code=307", allowed, "POST", body={"a": 1})
    assert via307.output["response"]["body"]["method"] == "POST" and via307.output["response"]["body"]["body"] == {"a": 1}


@pytest.mark.parametrize(
    "location",
    ["http://127.0.0.1:1/", "http://169.254.169.254/latest/meta-data/", "http://localhost:{port}/echo",
     "http://2130706433:{port}/echo", "http://0177.0.0.1:{port}/", "http://[::1]/", "file:///etc/passwd", "gopher://127.0.0.1:6379/_x"],
)
def test_redirect_to_denied_destination_refused(port: int, location: str) -> None:
    policy = HttpPolicy(allowed_hosts=frozenset({f"127.0.0.1:{port}"}), resolver=resolver_for({"localhost": ["127.0.0.1"]}))
    loc = location.format(port=port)
    out = call(f"http://127.0.0.1:{port}/to?loc={loc}", policy)
    assert out.status == TERMINAL and out.reason and out.reason.startswith("destination not allowed")


def test_redirect_to_name_rebound_to_loopback_refused(port: int) -> None:
    resolve = resolver_for({"pinned.test": ["127.0.0.1"], "evil.test": ["127.0.0.1"]})
    policy = HttpPolicy(allowed_hosts=frozenset({f"pinned.test:{port}"}), resolver=resolve)
    out = call(f"http://pinned.test:{port}/to?loc=http://evil.test:{port}/echo", policy)
    assert out.status == TERMINAL and "evil.test (127.0.0.1)" in (out.reason or "")


# --------------------------------------------------------------------------- SSRF (test 33)


@pytest.mark.parametrize(
    "uri",
    [
        "http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:8000/admin/", "http://[::1]/", "http://0.0.0.0/",
        "http://10.0.0.1/", "http://2130706433/", "http://0x7f.1/", "http://0177.0.0.1/", "http://127.1/", "http://0/",
        "http://[::ffff:127.0.0.1]/", "http://[::ffff:a9fe:a9fe]/", "http://[::127.0.0.1]/", "http://[64:ff9b::7f00:1]/",
        "http://[2002:7f00:1::]/", "http://[fe80::1]/", "http://[fd00::1]/", "http://100.64.0.1/", "http://172.16.0.1/",
        "http://192.168.1.1/", "http://224.0.0.1/", "http://255.255.255.255/", "http://127.0.0.1./",
        "https://user:pw@169.254.169.254/", "http://allowed.example@127.0.0.1/", "http://0x/",
    ],
)
def test_denied_address_forms(uri: str, no_connect: list[httpx.Request]) -> None:
    resolve = resolver_for({})
    out = call(uri, HttpPolicy(allowed_hosts=frozenset({"allowed.example"}), resolver=resolve))
    assert out.status == TERMINAL and out.reason and out.reason.startswith("destination not allowed"), out
    assert resolve.calls == []  # IP literals are never handed to a resolver


@pytest.mark.parametrize(
    "addresses",
    [["127.0.0.1"], [PUBLIC, "10.1.2.3"], ["::ffff:10.0.0.1"], ["169.254.169.254"], ["fe80::1%eth0"], ["::1", PUBLIC]],
)
def test_names_resolving_to_denied_addresses(addresses: list[str], no_connect: list[httpx.Request]) -> None:
    out = call("https://rebind.test/x", HttpPolicy(resolver=resolver_for({"rebind.test": addresses})))
    assert out.status == TERMINAL and out.reason and out.reason.startswith("destination not allowed: rebind.test (")


@pytest.mark.parametrize("uri", ["file:///etc/passwd", "gopher://127.0.0.1:70/_", "ftp://example.com/", "dict://x:11211/"])
def test_other_schemes_refused(uri: str, no_connect: list[httpx.Request]) -> None:
    out = call(uri, HttpPolicy(allowed_hosts=frozenset({"example.com", "127.0.0.1"})))
    assert out.status == TERMINAL and out.reason and out.reason.startswith("destination not allowed: scheme")


def test_allow_list_is_exact(port: int, no_connect: list[httpx.Request]) -> None:
    policy = HttpPolicy(allowed_hosts=frozenset({f"127.0.0.1:{port}"}), resolver=resolver_for({"localhost": ["127.0.0.1"]}))
    for uri in (f"http://2130706433:{port}/", f"http://localhost:{port}/", f"http://127.0.0.1:{port + 1}/", "http://127.0.0.2/"):
        assert call(uri, policy).status == TERMINAL, uri


def test_pinned_connection_keeps_host_header(port: int) -> None:
    resolve = resolver_for({"pinned.test": ["127.0.0.1"]})
    policy = HttpPolicy(allowed_hosts=frozenset({f"pinned.test:{port}"}), resolver=resolve)
    out = call(f"http://pinned.test:{port}/echo", policy)
    assert out.status == "COMPLETED" and out.output["response"]["body"]["headers"]["host"] == [f"pinned.test:{port}"]
    assert resolve.calls == [("pinned.test", port)]


def test_bare_host_allow_entry_allows_any_port(port: int) -> None:
    policy = HttpPolicy(allowed_hosts=frozenset({"pinned.test"}), resolver=resolver_for({"pinned.test": ["127.0.0.1"]}))
    assert call(f"http://pinned.test:{port}/echo", policy).status == "COMPLETED"


def test_connects_to_checked_ip_not_a_fresh_lookup(monkeypatch: pytest.MonkeyPatch, no_connect: list[httpx.Request]) -> None:
    # Checked once as public; a later system lookup would say loopback. The request must target the
    # checked IP literally (with Host and SNI of the name), so nothing re-resolves the name.
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 443))])
    with pytest.raises(AssertionError, match="connected to"):
        call("https://api.public.test/v1", HttpPolicy(resolver=resolver_for({"api.public.test": [PUBLIC]})))
    (request,) = no_connect
    assert request.url.host == PUBLIC and request.url.scheme == "https" and request.url.path == "/v1"
    assert request.headers["host"] == "api.public.test" and request.extensions["sni_hostname"] == "api.public.test"


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, ssl.SSLContext]]:
    files = make_tls_files(tmp_path_factory.mktemp("tls"), "pinned.test")
    if files is None:
        pytest.skip("openssl CLI not available")
    ca, leaf, key = files
    with loopback_server(tls=(leaf, key)) as p:
        yield p, ssl.create_default_context(cafile=str(ca))


def test_https_pinned_ip_keeps_sni_and_verifies_name(tls: tuple[int, ssl.SSLContext]) -> None:
    port, ca = tls
    table = {"pinned.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]}
    policy = HttpPolicy(allowed_hosts=frozenset({"pinned.test", "other.test"}), resolver=resolver_for(table), verify=ca)
    out = call(f"https://pinned.test:{port}/echo", policy)
    assert out.status == "COMPLETED", out
    assert out.output["response"]["body"]["headers"]["host"] == [f"pinned.test:{port}"]
    # Same IP, but the certificate is not for this name: verification uses the name, not the IP.
    wrong = call(f"https://other.test:{port}/echo", policy)
    assert wrong.status == "FAILED" and "certificate" in (wrong.reason or "").lower()


def test_is_denied_and_policy_validation() -> None:
    import ipaddress

    from orchestrator.systemtasks.http_call import DEFAULT_DENY

    assert not is_denied(ipaddress.ip_address(PUBLIC), DEFAULT_DENY)
    assert not is_denied(ipaddress.ip_address("2606:4700::1111"), DEFAULT_DENY)
    assert is_denied(ipaddress.ip_address("::ffff:192.168.0.1"), DEFAULT_DENY)
    with pytest.raises(ValueError):
        HttpPolicy(deny_cidrs=("not-a-cidr",))
