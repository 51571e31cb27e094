"""Beat down, then back: missed fires are caught up as each schedule says (a live stack, real beat).

The stack's own beat process is stopped (SIGSTOP, by its pid: a child of the stack's `serve`)
for a few fire times and then let go on (SIGCONT), as a beat host that hung would be.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from typing import Any

import httpx
import pytest

from tests.live import Stack

pytestmark = pytest.mark.integration

FLOW = {"name": "catchup_wf", "version": 1, "schemaVersion": 2, "tasks": [
    {"name": "noop", "taskReferenceName": "noop", "type": "NOOP"}]}


def _beat_pid(stack: Stack) -> int:
    assert stack.proc is not None
    out = subprocess.run(["ps", "-o", "pid=,args=", "--ppid", str(stack.proc.pid)],
                         capture_output=True, text=True, check=True).stdout
    [pid] = [int(line.split()[0]) for line in out.splitlines() if " beat " in f" {line} "]
    return pid


def _fire_times(api: httpx.Client, name: str) -> list[int]:
    got = api.get("/scheduler/search/executions", params={"query": f"scheduleName='{name}'",
                                                          "sort": "scheduledTime:ASC", "size": 1000}).json()
    assert all(f["state"] == "EXECUTED" for f in got["results"]), got
    return [int(f["scheduledTime"]) for f in got["results"]]


def _save(api: httpx.Client, name: str, catch_up: bool) -> None:
    api.post("/scheduler/schedules", json={
        "name": name, "cronExpression": "*/2 * * * * ?", "runCatchupScheduleInstances": catch_up,
        "startWorkflowRequest": {"name": "catchup_wf", "version": 1}}).raise_for_status()


def _wait(predicate: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_a_stopped_beat_catches_up_each_missed_fire_or_only_the_latest(pg_stack: Stack) -> None:
    with pg_stack.client() as api:
        api.post("/metadata/workflow", json=FLOW, params={"overwrite": "true"}).raise_for_status()
        _save(api, "catch_all", True)
        _save(api, "latest_only", False)
        _wait(lambda: len(_fire_times(api, "catch_all")) >= 2 and len(_fire_times(api, "latest_only")) >= 2, 10)
        beat = _beat_pid(pg_stack)
        os.kill(beat, signal.SIGSTOP)
        try:
            time.sleep(1.0)  # ticks already sent drain
            stopped_at = {n: max(_fire_times(api, n)) for n in ("catch_all", "latest_only")}
            time.sleep(8.0)  # four fire times pass with no beat
            assert {n: max(_fire_times(api, n)) for n in stopped_at} == stopped_at
        finally:
            os.kill(beat, signal.SIGCONT)
        _wait(lambda: min(max(_fire_times(api, n)) for n in stopped_at) > max(stopped_at.values()) + 8000, 10)
        for name in ("catch_all", "latest_only"):
            api.put(f"/scheduler/schedules/{name}/pause").raise_for_status()
        time.sleep(1.5)
        every = _fire_times(api, "catch_all")
        latest = _fire_times(api, "latest_only")
    # Catch-up: no time was skipped; every 2 s, each once.
    assert [b - a for a, b in zip(every, every[1:], strict=False)] == [2000] * (len(every) - 1), every
    # Latest only: one gap where beat was down, holding only the latest missed time.
    gaps = [b - a for a, b in zip(latest, latest[1:], strict=False)]
    assert len(set(latest)) == len(latest)
    assert sum(1 for g in gaps if g > 2000) == 1 and max(gaps) >= 8000, latest
