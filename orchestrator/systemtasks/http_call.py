"""HTTP: the side-effect half of Conductor's HTTP task, with SSRF controls (RELIABILITY.md §2.6).

`execute()` runs only in Celery. It never lets httpx resolve a name: the host is parsed here
(including legacy numeric forms such as `2130706433` and `0x7f.1`), every resolved address is
checked against the deny list, and the request goes to the checked IP with the original Host
header and SNI, so DNS rebinding between check and connect cannot bypass the check. Redirects are
followed by hand and each hop is checked again. No Django imports: settings come in as an
`HttpPolicy`.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import re
import socket
import ssl
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

DEFAULT_DENY: tuple[str, ...] = (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
    "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    "::/128", "::1/128", "100::/64", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"})
# Never taken from the definition: hop-by-hop headers, and ones we compute (Host is the checked
# origin's; Content-Length comes from the body).
_STRIPPED = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te",
    "trailer", "trailers", "transfer-encoding", "upgrade", "host", "content-length",
})
_CREDENTIALS = ("authorization", "cookie", "proxy-authorization")  # dropped on a cross-origin hop
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}$", re.IGNORECASE)
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
USER_AGENT = "Baton-HTTP-Task"

IPNet = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddr = ipaddress.IPv4Address | ipaddress.IPv6Address


@functools.lru_cache(maxsize=32)
def _networks(cidrs: tuple[str, ...]) -> tuple[IPNet, ...]:
    return tuple(ipaddress.ip_network(c.strip(), strict=False) for c in cidrs)


@dataclass(frozen=True)
class HttpPolicy:
    allowed_hosts: frozenset[str] = frozenset()  # "host" or "host:port", exact; skips the deny check
    deny_cidrs: tuple[str, ...] = DEFAULT_DENY
    max_response_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    resolver: Callable[[str, int], list[str]] | None = None  # (host, port) -> IP strings
    verify: ssl.SSLContext | bool = True  # TLS verification; a context for a private CA

    def __post_init__(self) -> None:
        _networks(tuple(self.deny_cidrs))  # a bad CIDR is an operator error: fail at configuration


@dataclass(frozen=True)
class HttpOutcome:
    status: str  # "COMPLETED" | "FAILED" | "FAILED_WITH_TERMINAL_ERROR"
    output: dict[str, Any]
    reason: str | None


@dataclass(frozen=True)
class HttpRequestSpec:
    uri: str
    method: str
    headers: tuple[tuple[str, str], ...]
    body: Any
    accept: str
    content_type: str
    connect_timeout_s: float
    read_timeout_s: float


class DestinationDenied(Exception):
    pass


# ---------------------------------------------------------------------------------------- input


def _timeout_ms(source: Mapping[str, Any], key: str) -> float:
    value = source.get(key)
    if value is None:
        return 3.0
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"http_request.{key} must be a positive number of milliseconds, got {value!r}")
    return float(value) / 1000.0


def _text(source: Mapping[str, Any], key: str, default: str | None) -> str | None:
    value = source.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise ValueError(f"http_request.{key} must be a string, got {type(value).__name__}")
    return value


def parse_request(task_input: Mapping[str, Any]) -> HttpRequestSpec:
    """Conductor's input: an `http_request` object, or the same keys directly in the input."""
    source: Any = task_input.get("http_request", task_input)
    if not isinstance(source, Mapping):
        raise ValueError("http_request must be an object")
    uri, method = _text(source, "uri", None), _text(source, "method", None)
    if not uri or not uri.strip():
        raise ValueError("Missing HTTP URI: http_request.uri is required")
    if not method or not method.strip():
        raise ValueError("No HTTP method specified: http_request.method is required")
    method = method.strip().upper()
    if method not in METHODS:
        raise ValueError(f"http_request.method {method!r} is not one of {', '.join(sorted(METHODS))}")
    raw_headers = source.get("headers") or {}
    if not isinstance(raw_headers, Mapping):
        raise ValueError("http_request.headers must be an object of name -> value")
    headers: list[tuple[str, str]] = []
    for name, value in raw_headers.items():
        if not isinstance(name, str) or not _TOKEN.match(name):
            raise ValueError(f"http_request.headers: invalid header name {name!r}")
        if value is None:
            continue
        if isinstance(value, dict | list):
            raise ValueError(f"http_request.headers.{name} must be a string, number or boolean")
        text = json.dumps(value) if isinstance(value, bool) else str(value)
        if "\r" in text or "\n" in text or "\0" in text:
            raise ValueError(f"http_request.headers.{name} contains a line break")
        headers.append((name, text))
    return HttpRequestSpec(
        uri=uri.strip(),
        method=method,
        headers=tuple(headers),
        body=source.get("body"),
        accept=_text(source, "accept", "application/json") or "application/json",
        content_type=_text(source, "contentType", "application/json") or "application/json",
        connect_timeout_s=_timeout_ms(source, "connectionTimeOut"),
        read_timeout_s=_timeout_ms(source, "readTimeOut"),
    )


def _encode_body(spec: HttpRequestSpec) -> bytes | None:
    body = spec.body
    if body is None:
        return None
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes):
        return body
    if isinstance(body, Mapping) and spec.content_type.lower().startswith("application/x-www-form-urlencoded"):
        return urllib.parse.urlencode({k: v for k, v in body.items()}, doseq=True).encode("ascii")
    try:
        return json.dumps(body, separators=(",", ":")).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"http_request.body is not JSON-serializable: {exc}") from exc


# ---------------------------------------------------------------------------------- destination


def _literal_ip(host: str) -> IPAddr | None:
    """An IP literal in any form a resolver or inet_aton would accept; None for a name."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if _NUMERIC_HOST.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            raise DestinationDenied(f"destination not allowed: malformed numeric host {host!r}") from None
    return None


def _embedded_v4(ip: IPAddr) -> list[IPAddr]:
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    found: list[IPAddr] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if int(ip) >> 32 == 0:  # IPv4-compatible ::a.b.c.d (also covers :: and ::1)
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip in _NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.append(ip.teredo[1])
    return found


def is_denied(ip: IPAddr, deny_cidrs: tuple[str, ...]) -> bool:
    nets = _networks(tuple(deny_cidrs))
    return any(c.version == n.version and c in n for c in [ip, *_embedded_v4(ip)] for n in nets)


@dataclass(frozen=True)
class _Target:
    url: httpx.URL  # as the definition (or a Location header) wrote it
    pinned: httpx.URL  # the same URL with the host replaced by the checked IP
    host_header: str
    sni: str | None


def check_destination(url: httpx.URL, policy: HttpPolicy) -> _Target:
    """Validate scheme and host, resolve, check every address; raise DestinationDenied."""
    if url.scheme not in ("http", "https"):
        raise DestinationDenied(f"destination not allowed: scheme {url.scheme or '(none)'!r}")
    host = url.raw_host.decode("ascii").lower().rstrip(".")
    if not host:
        raise DestinationDenied("destination not allowed: no host")
    port = url.port or (443 if url.scheme == "https" else 80)
    bracketed = f"[{host}]" if ":" in host else host
    allowed = bool({host, bracketed, f"{bracketed}:{port}"} & set(policy.allowed_hosts))
    literal = _literal_ip(host)
    if literal is not None:
        addresses: list[IPAddr] = [literal]
    else:
        try:
            if policy.resolver is not None:
                raw = policy.resolver(host, port)
            else:
                raw = [str(ai[4][0]) for ai in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]
            addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in raw]
        except (OSError, UnicodeError, ValueError) as exc:
            raise httpx.ConnectError(f"could not resolve host {host!r}: {exc}") from exc
        if not addresses:
            raise httpx.ConnectError(f"could not resolve host {host!r}: no addresses")
    if not allowed:
        for ip in addresses:
            if is_denied(ip, policy.deny_cidrs):
                shown = host if str(ip) == host else f"{host} ({ip})"
                raise DestinationDenied(f"destination not allowed: {shown} is in a denied address range")
    pin = addresses[0]
    sni = host if literal is None and url.scheme == "https" else None
    return _Target(url, url.copy_with(host=str(pin)), url.netloc.decode("ascii"), sni)


# ------------------------------------------------------------------------------------- response


class _TooLarge(Exception):
    pass


def _read_capped(response: httpx.Response, cap: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise _TooLarge(f"response too large: Content-Length {declared} exceeds {cap} bytes")
    chunks, total = [], 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > cap:
            raise _TooLarge(f"response too large: more than {cap} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _response_output(response: httpx.Response, raw: bytes) -> tuple[dict[str, Any], str]:
    try:
        text = raw.decode(response.charset_encoding or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        text = raw.decode("utf-8", errors="replace")
    body: Any = None
    if text:
        try:
            body = json.loads(text)
        except ValueError:
            body = text
    headers: dict[str, list[str]] = {}
    for name, value in response.headers.raw:
        headers.setdefault(name.decode("latin-1"), []).append(value.decode("latin-1"))
    out = {"statusCode": response.status_code, "body": body, "headers": headers,
           "reasonPhrase": response.reason_phrase}
    return {"response": out}, text


def _failed(reason: str, status: str = "FAILED") -> HttpOutcome:
    return HttpOutcome(status, {"error": reason}, reason)


def _invalid_url(uri: str, exc: Exception) -> HttpOutcome:
    """httpx refuses some legacy numeric hosts (`0177.0.0.1`); those are destinations, not typos."""
    try:
        host = (urllib.parse.urlsplit(uri).hostname or "").rstrip(".")
        if _NUMERIC_HOST.match(host):
            _literal_ip(host)  # raises for a malformed one
            raise DestinationDenied(f"destination not allowed: non-canonical numeric host {host!r}")
    except DestinationDenied as denied:
        return _failed(str(denied), "FAILED_WITH_TERMINAL_ERROR")
    except ValueError:
        pass
    return _failed(f"invalid uri {uri[:200]!r}: {exc}")


# -------------------------------------------------------------------------------------- execute


def execute(task_input: Mapping[str, Any], policy: HttpPolicy, *, idempotency_key: str | None = None) -> HttpOutcome:
    try:
        spec = parse_request(task_input)
        content = _encode_body(spec)
        url = httpx.URL(spec.uri)
    except httpx.InvalidURL as exc:
        return _invalid_url(spec.uri, exc)
    except ValueError as exc:
        return _failed(str(exc))
    headers = {k: v for k, v in spec.headers if k.lower() not in _STRIPPED}
    lower = {k.lower() for k in headers}
    if "accept" not in lower:
        headers["Accept"] = spec.accept
    if content is not None and "content-type" not in lower:
        headers["Content-Type"] = spec.content_type
    if idempotency_key and "idempotency-key" not in lower:
        headers["Idempotency-Key"] = idempotency_key
    if "user-agent" not in lower:
        headers["User-Agent"] = USER_AGENT
    method = spec.method
    timeout = httpx.Timeout(connect=spec.connect_timeout_s, read=spec.read_timeout_s,
                            write=spec.read_timeout_s, pool=spec.connect_timeout_s)
    # The bare transport, not httpx.Client: no redirect handling, no cookie jar carried between
    # hops, no proxy or other environment settings (a proxy would resolve the name itself).
    with httpx.HTTPTransport(verify=policy.verify, trust_env=False) as transport:
        for hop in range(policy.max_redirects + 1):
            try:
                target = check_destination(url, policy)
                extensions: dict[str, Any] = {"timeout": timeout.as_dict()}
                if target.sni:
                    extensions["sni_hostname"] = target.sni
                request = httpx.Request(method, target.pinned, content=content, extensions=extensions,
                                        headers={**headers, "Host": target.host_header})
                response = transport.handle_request(request)
                response.request = request
                try:
                    if response.is_redirect and hop < policy.max_redirects:
                        location = response.headers["location"]
                        try:
                            nxt = url.join(location)
                        except httpx.InvalidURL as exc:
                            return _invalid_url(location, exc)
                        if (nxt.scheme, nxt.raw_host, nxt.port) != (url.scheme, url.raw_host, url.port):
                            headers = {k: v for k, v in headers.items() if k.lower() not in _CREDENTIALS}
                        if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
                            method = "GET" if method != "HEAD" else method
                            content = None
                            headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
                        url = nxt
                        continue
                    if response.is_redirect:
                        return _failed(f"too many redirects (more than {policy.max_redirects})")
                    raw = _read_capped(response, policy.max_response_bytes)
                finally:
                    response.close()
            except DestinationDenied as exc:
                return _failed(str(exc), "FAILED_WITH_TERMINAL_ERROR")
            except _TooLarge as exc:
                return _failed(str(exc))
            except httpx.InvalidURL as exc:
                return _failed(f"invalid uri: {exc}")
            except httpx.TimeoutException as exc:
                return _failed(f"timeout: {type(exc).__name__}: {exc or 'timed out'}")
            except httpx.HTTPError as exc:
                return _failed(f"{type(exc).__name__}: {exc}")
            output, text = _response_output(response, raw)
            if 200 <= response.status_code < 300:
                return HttpOutcome("COMPLETED", output, None)
            reason = text[:500] if text else f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
            return HttpOutcome("FAILED", output, reason)
    return _failed("too many redirects")  # unreachable: the last hop returns above
