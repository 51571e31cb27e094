"""A real Baton stack for integration tests: `manage.py serve` (Daphne + Celery worker + beat).

`postgres` uses PostgreSQL and Redis (a fresh database and Redis db per stack); `embedded`
uses the `make run` defaults (SQLite in a temp dir, a broker with no server). Nothing is mocked.
"""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BATON_TEST_PG", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_BASE = os.environ.get("BATON_TEST_REDIS", "redis://127.0.0.1:6379")


# BATON_TEST_REDIS_DB_START lets test runs in parallel (several checkouts on one machine) start
# their cycles apart.
_REDIS_START = int(os.environ.get("BATON_TEST_REDIS_DB_START", "1"))
_REDIS_DBS = itertools.cycle([1 + (_REDIS_START - 1 + i) % 14 for i in range(14)])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Stack:
    def __init__(self, kind: str, *, auth: bool = True, extra_env: dict[str, str] | None = None) -> None:
        self.kind = kind
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.tmp = Path(tempfile.mkdtemp(prefix=f"baton-{kind}-"))
        self.env = {
            **os.environ,
            "BATON_VAR_DIR": str(self.tmp),
            "BATON_SECRET_KEY": "test-secret-" + str(self.port),
            "BATON_SWEEP_INTERVAL": "1",
            "BATON_AUTH": "on" if auth else "off",
            "BATON_LOG_LEVEL": "WARNING",
            **(extra_env or {}),
        }
        self.env.pop("DATABASE_URL", None)
        self.env.pop("REDIS_URL", None)
        if kind == "postgres":
            self.db_name = f"baton_test_{self.port}"
            base = PG_ADMIN_URL.rsplit("/", 1)[0]
            self.env["DATABASE_URL"] = f"{base}/{self.db_name}"
            # Each stack in a session gets its own Redis database: two stacks sharing one would
            # have their Celery workers take each other's messages.
            self.redis_db = next(_REDIS_DBS)
            self.env["REDIS_URL"] = f"{REDIS_BASE}/{self.redis_db}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.key_id = self.key_secret = ""

    # -- lifecycle --------------------------------------------------------------------------
    def start(self) -> Stack:
        if self.kind == "postgres":
            self._create_database()
            import redis

            redis.Redis.from_url(self.env["REDIS_URL"]).flushdb()
        self.manage("migrate", "--noinput", "-v0")
        if self.env["BATON_AUTH"] == "on":
            out = self.manage("create_api_key", "tests")
            values = dict(line.split("=", 1) for line in out.strip().splitlines() if "=" in line)
            self.key_id, self.key_secret = values["CONDUCTOR_AUTH_KEY"], values["CONDUCTOR_AUTH_SECRET"]
        self.log = open(self.tmp / "serve.log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--port", str(self.port)],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self._wait_ready()
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        if hasattr(self, "log"):
            self.log.close()
        if self.kind == "postgres":
            self._drop_database()

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"baton exited early:\n{self.server_log()}")
            try:
                httpx.get(self.url + "/api/metadata/workflow", timeout=1)
                time.sleep(1.0)  # give the Celery worker a moment to connect
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError(f"baton did not start:\n{self.server_log()}")

    def server_log(self) -> str:
        path = self.tmp / "serve.log"
        return path.read_text(errors="replace")[-5000:] if path.exists() else ""

    def _pg(self) -> Any:
        import psycopg

        return psycopg.connect(PG_ADMIN_URL, autocommit=True)

    def _create_database(self) -> None:
        with self._pg() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.db_name}"')

    def _drop_database(self) -> None:
        try:
            with self._pg() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        except Exception:  # noqa: BLE001 - cleanup is best effort
            pass

    # -- clients ------------------------------------------------------------------------------
    def token(self) -> str:
        r = httpx.post(self.url + "/api/token", json={"keyId": self.key_id, "keySecret": self.key_secret})
        r.raise_for_status()
        return str(r.json()["token"])

    def client(self, *, authenticated: bool = True) -> httpx.Client:
        headers = {"Content-Type": "application/json"}
        if authenticated and self.key_id:
            headers["X-Authorization"] = self.token()
        return httpx.Client(base_url=self.url + "/api", headers=headers, timeout=30)

    def sdk_env(self) -> dict[str, str]:
        env = {**os.environ, "CONDUCTOR_SERVER_URL": self.url + "/api"}
        if self.key_id:
            env.update(CONDUCTOR_AUTH_KEY=self.key_id, CONDUCTOR_AUTH_SECRET=self.key_secret)
        return env


def wait_for(client: httpx.Client, workflow_id: str, *, timeout: float = 30,
              until: tuple[str, ...] = ("COMPLETED", "FAILED", "TIMED_OUT", "TERMINATED")) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        wf = client.get(f"/workflow/{workflow_id}").json()
        if wf["status"] in until or time.monotonic() > deadline:
            return wf
        time.sleep(0.1)
