"""A tiny loopback HTTP server for the HTTP task tests (no network beyond 127.0.0.1).

Routes: /echo (method, path, headers, body as JSON), /status/<code>, /text, /slow?s=<seconds>,
/big?n=<bytes>[&chunked=1], /redirect/<n> (n hops of 302, then /echo), /to?loc=<url>&code=<3xx>.
"""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet test output
        pass

    def _send(self, code: int, body: bytes, ctype: str = "application/json", extra: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _handle(self) -> None:
        parsed = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parsed.query))
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = parsed.path
        if path == "/echo":
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode()
            headers: dict[str, list[str]] = {}
            for k, v in self.headers.items():
                headers.setdefault(k.lower(), []).append(v)
            echo = {"method": self.command, "path": self.path, "headers": headers, "body": body}
            self._send(200, json.dumps(echo).encode(), extra={"X-Multi": "a"})
        elif path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            self._send(code, query.get("body", "").encode(), "text/plain")
        elif path == "/text":
            self._send(200, b"plain words, not json", "text/plain; charset=utf-8")
        elif path == "/slow":
            time.sleep(float(query.get("s", "1")))
            self._send(200, b'{"late": true}')
        elif path == "/big":
            n = int(query["n"])
            if query.get("chunked"):
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for _ in range(0, n, 1024):
                    self.wfile.write(b"400\r\n" + b"x" * 1024 + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            else:
                self._send(200, b"x" * n, "application/octet-stream")
        elif path.startswith("/redirect/"):
            n = int(path.rsplit("/", 1)[1])
            loc = f"/redirect/{n - 1}" if n > 1 else "/echo"
            self._send(302, b"", extra={"Location": loc})
        elif path == "/to":
            self._send(int(query.get("code", "302")), b"", extra={"Location": query["loc"]})
        else:
            self._send(404, b"")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle  # noqa: N815


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hanging up early (size cap, timeouts) are expected here


def make_tls_files(directory: Path, dns_name: str) -> tuple[Path, Path, Path] | None:
    """A throwaway CA and a leaf certificate for `dns_name` (via the openssl CLI); None if absent.
    Returns (ca.pem, leaf.pem, leaf.key)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    ca_key, ca, key, csr, leaf = (directory / n for n in ("ca.key", "ca.pem", "leaf.key", "leaf.csr", "leaf.pem"))
    ext = directory / "ext.cnf"
    ext.write_text(f"subjectAltName=DNS:{dns_name}\nbasicConstraints=CA:FALSE\n")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca,
                    "-days", "1", "-subj", "/CN=Baton test CA"], check=True, capture_output=True)
    subprocess.run([openssl, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
                    "-subj", f"/CN={dns_name}"], check=True, capture_output=True)
    subprocess.run([openssl, "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
                    "-out", leaf, "-days", "1", "-extfile", ext], check=True, capture_output=True)
    return ca, leaf, key


@contextmanager
def loopback_server(tls: tuple[Path, Path] | None = None) -> Iterator[int]:
    """Serve on 127.0.0.1 in a thread (HTTPS when given (cert, key)); yields the port."""
    server = _QuietServer(("127.0.0.1", 0), _Handler)
    if tls is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
