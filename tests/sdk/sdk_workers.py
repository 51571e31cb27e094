"""conductor-python workers used by the SDK tests, run by the SDK's own TaskHandler.

Run as a separate process: `python sdk_workers.py`; it polls until terminated. Each worker
records its side effects in the directory named by BATON_TEST_MARKS so the tests can count them.
"""

# No `from __future__ import annotations` here: the SDK converts inputs using the worker
# function's annotations with isinstance(), which fails on string annotations.
import os
import signal
import sys
import time
from pathlib import Path

from conductor.client.automator.task_handler import TaskHandler
from conductor.client.configuration.configuration import Configuration
from conductor.client.worker.exception import NonRetryableException
from conductor.client.worker.worker_task import worker_task

MARKS = Path(os.environ.get("BATON_TEST_MARKS", "/tmp/baton-marks"))


def _mark(name: str) -> int:
    """Count calls per key across worker processes (one file per call)."""
    MARKS.mkdir(parents=True, exist_ok=True)
    path = MARKS / f"{name}.{os.getpid()}.{time.monotonic_ns()}"
    path.touch()
    return len(list(MARKS.glob(f"{name}.*")))


@worker_task(task_definition_name="sdk_greet", poll_interval_millis=20)
def greet(name: str) -> dict:
    return {"greeting": f"Hello {name}", "length": len(name)}


@worker_task(task_definition_name="sdk_double", poll_interval_millis=20)
def double(value: int) -> dict:
    return {"value": value * 2}


@worker_task(task_definition_name="sdk_flaky", poll_interval_millis=20)
def flaky(key: str) -> dict:
    calls = _mark(f"flaky-{key}")
    if calls < 2:
        raise RuntimeError(f"transient failure #{calls}")
    return {"attempts": calls}


@worker_task(task_definition_name="sdk_fatal", poll_interval_millis=20)
def fatal(key: str) -> dict:
    _mark(f"fatal-{key}")
    raise NonRetryableException("this input can never work")


def main() -> None:
    config = Configuration()
    handler = TaskHandler(configuration=config, scan_for_annotated_workers=True)

    def stop(*_: object) -> None:
        handler.stop_processes()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    handler.start_processes()
    handler.join_processes()


if __name__ == "__main__":
    main()
