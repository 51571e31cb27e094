"""Run the whole of Baton on this machine: N Daphne web processes, a Celery worker and Celery beat.

The web processes share one listening socket, bound here and handed to each Daphne as an
inherited file descriptor (`daphne --endpoint fd:fileno=N`): the kernel spreads connections
over the processes that accept on it, so one port serves them all, websockets included (each
process is a full Daphne, and Redis carries the channel layer between them). The database is
the only state they share; running more of them, or more machines behind a load balancer, is
how the web tier scales.

Ctrl-C (or SIGTERM) stops everything; if any one process exits, the others are stopped too.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


def default_web_processes() -> int:
    """One per core on PostgreSQL. One on SQLite: its database write lock serialises every
    writer anyway, so more processes would add lock waits, not throughput."""
    if connection.vendor == "sqlite":
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def listening_socket(host: str, port: int) -> socket.socket:
    """The socket every web process accepts on (inheritable, so children can adopt it)."""
    if ":" in host:
        # Twisted's fd endpoint takes no address family from a string: it adopts AF_INET only.
        raise CommandError("--host must be an IPv4 address (put a proxy in front for IPv6)")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise CommandError(f"cannot listen on {host}:{port}: {exc}") from exc
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


class Command(BaseCommand):
    help = "Run web processes + Celery worker + beat until interrupted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", default=os.environ.get("BATON_PORT", "8000"))
        parser.add_argument("--host", default=os.environ.get("BATON_HOST", "127.0.0.1"))
        parser.add_argument("--concurrency", default=os.environ.get("BATON_WORKER_CONCURRENCY", "2"))
        parser.add_argument("--web-processes", type=int, default=int(os.environ.get("BATON_WEB_PROCESSES", "0")),
                            help="Daphne processes sharing the port (default: one per core; 1 on SQLite)")

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        web_processes = options["web_processes"] or default_web_processes()
        if web_processes < 1:
            raise CommandError("--web-processes must be at least 1")
        sock = listening_socket(options["host"], int(options["port"]))
        web = [python, "-m", "daphne", "--fd", str(sock.fileno()), "orchestrator.asgi:application"]
        commands = {f"web{i + 1}": web for i in range(web_processes)}
        commands["worker"] = [python, "-m", "celery", "-A", "orchestrator", "worker", "-l", "warning",
                              "--concurrency", str(options["concurrency"]), "-n", f"baton-{os.getpid()}@%h"]
        commands["beat"] = [python, "-m", "celery", "-A", "orchestrator", "beat", "-l", "warning",
                            "-S", "django_celery_beat.schedulers:DatabaseScheduler"]
        procs = {
            name: subprocess.Popen(cmd, pass_fds=(sock.fileno(),) if name.startswith("web") else ())
            for name, cmd in commands.items()
        }
        # The children hold their own copies; this process only supervises.
        sock.close()
        self.stdout.write(f"Baton is running on http://{options['host']}:{options['port']}/ "
                          f"({web_processes} web process{'es' if web_processes > 1 else ''}; Ctrl-C stops it)")
        self._supervise(procs)

    def _supervise(self, procs: dict[str, subprocess.Popen[bytes]]) -> None:
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                exited = [name for name, p in procs.items() if p.poll() is not None]
                if exited:
                    self.stderr.write(f"{', '.join(exited)} exited; stopping the rest")
                    break
                time.sleep(0.5)
        finally:
            for p in procs.values():
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 15
            for p in procs.values():
                try:
                    p.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    p.kill()
            self.stdout.write("Baton stopped.")
