"""The run page, live (issue 8's last two figures; PERFORMANCE.md P8), on the PostgreSQL + Redis layout.

One run, in order:

- **Baseline**: a bare Redis pub/sub round trip (publish → a subscriber thread receives), the
  floor under any push to a browser through a Redis channel layer.
- **Stack**: `tests.live.Stack("postgres")` (Daphne + Celery + beat), a staff user, the built editor.
- **Interactive**: a 1,000-task run (driven to the end through update-v2), opened `--loads` times in
  headless Chromium: ms from navigation start until the task table reports all 1,000 tasks (from
  the run stream's snapshot) and shows its first rows — it renders only the rows in view — and
  the diagram is drawn (target ≤ 1.5 s), beside the server's HTML time. With `--profile PATH`,
  further loads under the CDP profiler, the Performance timeline and performance marks write
  where the time goes to PATH (JSON).
- **Stream (P8)**: a websocket client on /ws/workflows/<id>/ while a worker completes `--hops` tasks
  one by one: ms from the update-v2 request being sent to the task's COMPLETED event arriving
  (target p50 ≤ 50 ms, p99 ≤ 250 ms). The request's own time is printed beside it: the event is
  sent after the commit, so "sent → event" is an upper bound of "commit → event".
- **Page**: the same with the run page open in Chromium: ms from the request being sent to the
  diagram node turning COMPLETED on the page (what a user sees).

    .venv/bin/python -m bench.run_page_live                 # ~2 min
    .venv/bin/python -m bench.run_page_live --hops 100 --loads 10
    .venv/bin/python -m bench.run_page_live --interactive-only --profile /tmp/run_page_profile.json

Needs PostgreSQL and Redis like the tests, the editor build (make editor), node and Chromium.
Prints one JSON document; never fails on a missed target (it says MISSES).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from tests.live import ROOT, Stack

from .common import REDIS_BASE, summary_ms
from .drivers import OUTPUT, SEQ_TASK, poll_batch, register, run_sequential, seq_workflow_name, start

USER, PASSWORD = "bench-staff", "bench-pass-1234"
BIG = 1000


def log(msg: str) -> None:
    print(f"[run_page_live] {msg}", file=sys.stderr, flush=True)


# -- baseline ---------------------------------------------------------------------------------------


def redis_pubsub_roundtrip(n: int = 200) -> dict[str, Any]:
    import redis

    client = redis.Redis.from_url(f"{REDIS_BASE}/15")
    channel = f"bench-rt-{os.getpid()}"
    sub = client.pubsub()
    sub.subscribe(channel)
    sub.get_message(timeout=2)  # the subscribe confirmation
    took: list[float] = []
    for _ in range(n):
        t0 = time.perf_counter()
        client.publish(channel, b"x")
        while sub.get_message(timeout=2) is None:
            pass
        took.append(time.perf_counter() - t0)
    sub.close()
    return summary_ms(took[20:])


# -- the stack --------------------------------------------------------------------------------------


def make_stack() -> Stack:
    stack = Stack("postgres", extra_env={"BATON_SWEEP_INTERVAL": "5"})
    stack.manage("collectstatic", "--noinput", "-v0")
    stack.start()
    stack.manage("shell", "-c", (
        "from django.contrib.auth import get_user_model\n"
        f"get_user_model().objects.create_superuser({USER!r}, 'bench@example.com', {PASSWORD!r})"))
    return stack


def scenario(stack: Stack, env: dict[str, str]) -> subprocess.Popen[str]:
    full = {**os.environ, "BATON_URL": stack.url, "BATON_USER": USER, "BATON_PASSWORD": PASSWORD, **env}
    return subprocess.Popen(["node", str(ROOT / "bench" / "run_page.mjs")], cwd=ROOT, env=full,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def scenario_result(proc: subprocess.Popen[str], timeout: float = 300) -> dict[str, Any]:
    out, err = proc.communicate(timeout=timeout)
    lines = [line for line in out.splitlines() if line.startswith("{")]
    data: dict[str, Any] = json.loads(lines[-1]) if lines else {"ok": False, "error": err[-2000:]}
    if not data.get("ok"):
        raise RuntimeError(f"scenario failed: {data.get('error')}\n{err[-2000:]}")
    return data


# -- a worker that completes one task at a time, spaced so each event is measured on its own ------


def first_task(api: httpx.Client, wf_name: str) -> tuple[str, dict[str, Any]]:
    """Start a run and take its first task; the caller opens its watchers, then hops."""
    wf_id = start(api, wf_name).strip('"')
    task = None
    while task is None:
        got = poll_batch(api, SEQ_TASK, "bench-live-worker", 1, 1000)
        task = got[0] if got else None
    return wf_id, task


def hop_through(api: httpx.Client, task: dict[str, Any], hops: int, gap: float) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    for _ in range(hops):
        time.sleep(gap)
        body = {"taskId": task["taskId"], "workflowInstanceId": task["workflowInstanceId"], "status": "COMPLETED",
                "outputData": OUTPUT, "workerId": "bench-live-worker"}
        t_wall, t0 = time.time(), time.perf_counter()
        r = api.post("/tasks/update-v2", json=body)
        sent.append({"taskId": task["taskId"], "ref": task["referenceTaskName"], "sent": t_wall,
                     "request_ms": (time.perf_counter() - t0) * 1000})
        if r.status_code != 200 or not r.content:
            break
        task = r.json()
    return sent


class StreamListener(threading.Thread):
    """A websocket client on the run stream, noting when each task's COMPLETED event arrives."""

    def __init__(self, stack: Stack, wf_id: str) -> None:
        super().__init__(daemon=True)
        self.url = stack.url.replace("http", "ws") + f"/ws/workflows/{wf_id}/?token={stack.token()}"
        self.origin = stack.url
        self.arrived: dict[str, float] = {}
        self.ready = threading.Event()
        self.stop = threading.Event()

    def run(self) -> None:
        asyncio.run(self._listen())

    async def _listen(self) -> None:
        import websockets

        async with websockets.connect(self.url, origin=self.origin) as ws:
            await ws.recv()  # the snapshot
            self.ready.set()
            while not self.stop.is_set():
                try:
                    raw = await asyncio.wait_for(ws.recv(), 0.5)
                except TimeoutError:
                    continue
                at = time.time()
                msg = json.loads(raw)
                payload = msg.get("payload") or {}
                if msg.get("kind") == "task" and payload.get("status") == "COMPLETED":
                    self.arrived.setdefault(str(payload.get("taskId")), at)


def latencies(sent: list[dict[str, Any]], arrived: dict[str, float], key: str, skip: int = 3) -> dict[str, Any]:
    got = [(arrived[s[key]] - s["sent"]) for s in sent[skip:] if s[key] in arrived]
    missing = sum(1 for s in sent[skip:] if s[key] not in arrived)
    return {**summary_ms(got), "missing": missing}


def verdict(value: float, target: float) -> str:
    return "meets" if value <= target else "MISSES"


def stream_and_page(stack: Stack, api: httpx.Client, args: argparse.Namespace, report: dict[str, Any]) -> None:
    log("stream: a websocket client on the run stream")
    wf_id, task = first_task(api, seq_workflow_name(args.hops + 1))
    listener = StreamListener(stack, wf_id)
    listener.start()
    listener.ready.wait(30)
    sent = hop_through(api, task, args.hops, args.gap)
    time.sleep(1.0)  # let the last events arrive (a drain, not a measurement)
    listener.stop.set()
    listener.join(5)
    report["stream_ms"] = latencies(sent, listener.arrived, "taskId")
    report["update_request_ms"] = summary_ms([s["request_ms"] / 1000 for s in sent])

    log("page: the same with the run page open in Chromium")
    wf_id, task = first_task(api, seq_workflow_name(args.hops + 1))
    with tempfile.TemporaryDirectory() as tmp:
        ready = Path(tmp) / "ready"
        proc = scenario(stack, {"MODE": "live", "RUN_ID": wf_id, "READY_FILE": str(ready),
                                "EXPECT": str(args.hops)})
        deadline = time.monotonic() + 60
        while not ready.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        sent = hop_through(api, task, args.hops, args.gap)
        seen = scenario_result(proc)["seen"]
    report["page_ms"] = latencies(sent, {ref: ms / 1000 for ref, ms in seen.items()}, "ref")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hops", type=int, default=60)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--profile", help="also profile one more load (CDP); write its summary JSON here")
    parser.add_argument("--interactive-only", action="store_true", help="skip the stream and page figures")
    parser.add_argument("--gap", type=float, default=0.15, help="seconds between two completions")
    args = parser.parse_args()
    report: dict[str, Any] = {"load_avg_start": os.getloadavg()}
    log("baseline: Redis pub/sub round trip")
    report["baseline_redis_pubsub_ms"] = redis_pubsub_roundtrip()
    stack = make_stack()
    try:
        with stack.client() as api:
            register(api, [BIG, args.hops + 1])
            log(f"driving a {BIG}-task run to the end")
            big = run_sequential(api, BIG)
            log("interactive: the run page of the 1,000-task run")
            data = scenario_result(scenario(stack, {"MODE": "interactive", "RUN_ID": big["workflow_id"].strip('"'),
                                                    "TASKS": str(BIG), "REPEAT": str(args.loads),
                                                    **({"PROFILE": args.profile} if args.profile else {})}))
            loads = data["loads"][1:] if len(data["loads"]) > 1 else data["loads"]  # the first pays cold caches
            report["interactive_ms"] = summary_ms([x["interactive"] / 1000 for x in loads])
            report["html_ms"] = summary_ms([x["html"] / 1000 for x in loads])

            if not args.interactive_only:
                stream_and_page(stack, api, args, report)
    finally:
        stack.stop()
    report["load_avg_end"] = os.getloadavg()
    report["verdicts"] = {"interactive p50 <= 1500 ms": verdict(report["interactive_ms"]["p50"], 1500)}
    if not args.interactive_only:
        report["verdicts"].update({
            "stream p50 <= 50 ms": verdict(report["stream_ms"]["p50"], 50),
            "stream p99 <= 250 ms": verdict(report["stream_ms"]["p99"], 250),
            "page p50 <= 50 ms": verdict(report["page_ms"]["p50"], 50),
        })
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
