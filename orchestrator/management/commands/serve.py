"""Run the whole of Baton on this machine: Daphne (web), a Celery worker and Celery beat.

Ctrl-C (or SIGTERM) stops all three; if any one exits, the others are stopped too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run web + Celery worker + beat until interrupted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", default=os.environ.get("BATON_PORT", "8000"))
        parser.add_argument("--host", default=os.environ.get("BATON_HOST", "127.0.0.1"))
        parser.add_argument("--concurrency", default=os.environ.get("BATON_WORKER_CONCURRENCY", "2"))

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        commands = {
            "web": [python, "-m", "daphne", "-b", options["host"], "-p", str(options["port"]),
                    "orchestrator.asgi:application"],
            "worker": [python, "-m", "celery", "-A", "orchestrator", "worker", "-l", "warning",
                       "--concurrency", str(options["concurrency"]), "-n", f"baton-{os.getpid()}@%h"],
            "beat": [python, "-m", "celery", "-A", "orchestrator", "beat", "-l", "warning",
                     "-S", "django_celery_beat.schedulers:DatabaseScheduler"],
        }
        procs = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}
        self.stdout.write(f"Baton is running on http://{options['host']}:{options['port']}/  (Ctrl-C stops it)")
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
