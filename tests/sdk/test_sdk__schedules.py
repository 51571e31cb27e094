"""Schedules against a live Baton: the SDK's own schedule journey, and real beats firing real workflows.

`examples/schedule_journey.py` of conductor-python v2.0.0 runs unmodified as a subprocess with
CONDUCTOR_* pointing at the stack. It is not in the PyPI sdist (which ships only `src/`), so it
is read from BATON_SCHEDULE_JOURNEY (default /tmp/sdk2/schedule_journey.py: the file at the
SDK repository's tag v2.0.0); without it that one test is skipped, saying so.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.live import ROOT, Stack

pytestmark = pytest.mark.sdk

JOURNEY = Path(os.environ.get("BATON_SCHEDULE_JOURNEY", "/tmp/sdk2/schedule_journey.py"))
FLOW = {"name": "beat_fired", "version": 1, "schemaVersion": 2, "tasks": [
    {"name": "calc", "taskReferenceName": "calc", "type": "INLINE",
     "inputParameters": {"evaluatorType": "javascript", "expression": "$.n + 1", "n": "${workflow.input.n}"}}]}


@pytest.mark.skipif(not JOURNEY.exists(), reason=f"the SDK's schedule_journey.py is not at {JOURNEY}")
def test_the_sdks_schedule_journey_runs_unmodified(pg_stack: Stack, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(JOURNEY)], cwd=tmp_path, env=pg_stack.sdk_env(),
                          capture_output=True, text=True, timeout=300)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "✅ SCHEDULE MANAGEMENT JOURNEY COMPLETED!" in out, out
    # The journey catches its own failures and prints them: none may show.
    for bad in ("❌", "⚠️", "Note:", "Traceback"):
        assert bad not in out, out
    assert "Tags are included in schedule object: 4 tags" in out
    assert "Schedule object has 2 tags after deletion" in out
    assert "Inventory check paused: True" in out and "Weekly report resumed: Paused=False" in out
    assert "Next 10 executions for hourly schedule:" in out and "... and 5 more" in out
    assert "✅ Deleted schedule: black_friday_campaign" in out


def _fires(api: httpx.Client, name: str) -> list[dict[str, Any]]:
    got = api.get("/scheduler/search/executions", params={"query": f"scheduleName='{name}'",
                                                          "sort": "scheduledTime:ASC", "size": 1000})
    got.raise_for_status()
    return list(got.json()["results"])


def _wait(predicate: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_every_two_seconds_fires_with_two_beats_never_doubling(pg_stack: Stack) -> None:
    with pg_stack.client() as api:
        api.post("/metadata/workflow", json=FLOW, params={"overwrite": "true"}).raise_for_status()
        saved = api.post("/scheduler/schedules", json={
            "name": "two_beats", "cronExpression": "*/2 * * * * ?", "zoneId": "Europe/Berlin",
            "startWorkflowRequest": {"name": "beat_fired", "version": 1, "input": {"n": 41}}})
        saved.raise_for_status()
        began = time.monotonic()
        assert _wait(lambda: len(_fires(api, "two_beats")) >= 1, 5.0), pg_stack.server_log()
        first_after = time.monotonic() - began
        assert _wait(lambda: len(_fires(api, "two_beats")) >= 2, 4.0)
        # A second beat process on the same database, as a second machine would run.
        second = subprocess.Popen([sys.executable, "-m", "celery", "-A", "orchestrator", "beat", "-l", "warning",
                                   "-S", "django_celery_beat.schedulers:DatabaseScheduler",
                                   "--schedule", str(pg_stack.tmp / "beat2")],
                                  cwd=ROOT, env=pg_stack.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(8.0)  # both beats tick the schedule for a while
        finally:
            second.terminate()
            second.wait(20)
        api.put("/scheduler/schedules/two_beats/pause").raise_for_status()
        time.sleep(1.5)  # a tick already sent may still land; after it nothing more
        fires = _fires(api, "two_beats")
        times = [f["scheduledTime"] for f in fires]
        assert len(times) == len(set(times)) >= 6, fires
        assert all(f["state"] == "EXECUTED" for f in fires), fires
        # Every 2 s from the first fire on, none skipped, none doubled.
        assert [b - a for a, b in zip(times, times[1:], strict=False)] == [2000] * (len(times) - 1), times
        ids = [f["workflowId"] for f in fires]
        assert len(set(ids)) == len(ids)
        runs = api.get("/workflow/search", params={"query": "workflowType='beat_fired'", "size": 1000}).json()
        assert runs["totalHits"] == len(ids)
        wf = api.get(f"/workflow/{ids[0]}").json()
        assert (wf["status"], wf["output"], wf["input"]) == ("COMPLETED", {"result": 42}, {"n": 41})
        # Paused: no fire after the pause settled.
        settled = len(_fires(api, "two_beats"))
        time.sleep(3.0)
        assert len(_fires(api, "two_beats")) == settled
        print(f"first fire {first_after:.2f}s after the save; {len(times)} fires")
