"""Where does an update-v2 hop spend its time? Two views, on a fresh stack:

1. py-spy (sampling) on the live Daphne process while a sequential workflow runs through
   update-v2: top functions by inclusive and self samples (wall clock, idle excluded).
2. In-process: the same update-v2 view called through Django's test client (no ASGI), under
   cProfile, plus the SQL statements one request issues (CaptureQueriesContext).

    .venv/bin/python -m bench.profile_hop [--tasks 300] [--out DIR] [--embedded]

Needs py-spy in the venv (`.venv/bin/pip install py-spy`); part 1 is skipped without it.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import io
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from . import drivers
from .procs import daphne_pid

ROOT = Path(__file__).resolve().parent.parent


def _frame_name(frame: str) -> str:
    # py-spy raw frames look like "function (path/to/file.py:123)"; drop the line for grouping.
    name, _, rest = frame.partition(" (")
    path = rest.rsplit(":", 1)[0]
    for marker in ("site-packages/", "/work/main/", "lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{name} ({path})"


def summarise_collapsed(path: Path, top: int = 30) -> str:
    inclusive: collections.Counter[str] = collections.Counter()
    self_: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        frames = [_frame_name(f) for f in stack.split(";")]
        # Only the thread(s) that do request work: skip the Twisted reactor's idle select.
        total += n
        for f in set(frames):
            inclusive[f] += n
        self_[frames[-1]] += n
    out = [f"samples (non-idle, all threads): {total}", "", "-- inclusive --"]
    out += [f"{100 * c / total:6.1f}%  {f}" for f, c in inclusive.most_common(top)]
    out += ["", "-- self --"]
    out += [f"{100 * c / total:6.1f}%  {f}" for f, c in self_.most_common(top)]
    return "\n".join(out)


def pyspy_part(stack: Any, api: Any, tasks: int, out_dir: Path, gil: bool = False) -> str:
    exe = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(exe).exists():
        return "py-spy not installed: skipped"
    pid = daphne_pid(stack.proc.pid)
    if pid is None:
        return "Daphne process not found"
    raw = out_dir / "daphne-update-v2.collapsed"
    svg = out_dir / "daphne-update-v2.svg"
    drivers.run_sequential(api, 20)  # warm
    results: dict[str, Any] = {}
    extra = ["--gil"] if gil else []
    rec_raw = subprocess.Popen([exe, "record", "--pid", str(pid), "--rate", "500", "--format", "raw",
                                "--output", str(raw), "--nonblocking", *extra], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    rec_svg = subprocess.Popen([exe, "record", "--pid", str(pid), "--rate", "200", "--output", str(svg),
                                "--nonblocking", *extra], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    t = threading.Thread(target=lambda: results.update(drivers.run_sequential(api, tasks)))
    t.start()
    t.join()
    for rec in (rec_raw, rec_svg):
        rec.send_signal(2)  # SIGINT: py-spy writes its output and exits
    for rec in (rec_raw, rec_svg):
        rec.wait(timeout=60)
    hops = results.get("hops", [])
    mode = "GIL-holding samples only (~Python CPU)" if gil else "all non-idle samples (CPU + waits)"
    mean = 1000 * sum(hops) / max(1, len(hops))
    head = f"py-spy on Daphne pid {pid} [{mode}]: {len(hops)} hops, mean {mean:.1f} ms" \
           f" (sampling slows the server a little)\nflame graph: {svg}\n"
    return head + (summarise_collapsed(raw) if raw.exists() else "no py-spy output")


def inprocess_part(stack: Any, tasks: int) -> str:
    """Call the update-v2 view in this process under cProfile, and list one request's SQL."""
    for key in ("DATABASE_URL", "REDIS_URL", "BATON_SECRET_KEY", "BATON_VAR_DIR", "BATON_AUTH"):
        if key in stack.env:
            os.environ[key] = stack.env[key]
        else:
            os.environ.pop(key, None)  # the embedded stack has no DATABASE_URL / REDIS_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orchestrator.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    token = stack.token()
    client = Client(SERVER_NAME="127.0.0.1", HTTP_X_AUTHORIZATION=token)
    worker = "bench-inproc"

    def post(path: str, body: dict[str, Any]) -> Any:
        return client.post(path, data=body, content_type="application/json")

    wf = client.post("/api/workflow", data={"name": drivers.seq_workflow_name(1000)}, content_type="application/json")
    assert wf.status_code == 200, wf.content
    task = None
    while task is None:
        r = client.get(f"/api/tasks/poll/batch/{drivers.SEQ_TASK}", {"workerid": worker, "count": 1, "timeout": 1000})
        got = r.json()
        task = got[0] if got else None

    def hop(task: dict[str, Any]) -> dict[str, Any]:
        r = post("/api/tasks/update-v2", {"taskId": task["taskId"], "status": "COMPLETED",
                                          "outputData": drivers.OUTPUT, "workerId": worker})
        assert r.status_code == 200, (r.status_code, r.content)
        return r.json()

    for _ in range(10):  # warm
        task = hop(task)
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        task = hop(task)
        one = time.perf_counter() - t0
    sql = [f"one update-v2 request in-process: {one * 1000:.1f} ms, {len(ctx.captured_queries)} SQL statements"]
    for q in ctx.captured_queries:
        text = q["sql"]
        sql.append(f"  {float(q['time']) * 1000:6.2f} ms  {text[:150]}{'...' if len(text) > 150 else ''}")
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    for _ in range(tasks):
        task = hop(task)
    prof.disable()
    per = (time.perf_counter() - t0) / tasks
    buf = io.StringIO()
    st = pstats.Stats(prof, stream=buf)
    st.sort_stats("cumulative").print_stats(45)
    buf.write("\n")
    st.sort_stats("tottime").print_stats(30)
    return "\n".join(sql) + f"\n\ncProfile over {tasks} in-process hops ({per * 1000:.1f} ms/hop incl. profiler):\n" \
        + buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=300, help="hops to profile in each part")
    parser.add_argument("--out", default=None, help="directory for the collapsed stacks and flame graph")
    parser.add_argument("--gil", action="store_true", help="py-spy: only sample the thread holding the GIL")
    parser.add_argument("--settings", help="DJANGO_SETTINGS_MODULE for the stack, e.g. bench.settings_pooled")
    parser.add_argument("--skip-inprocess", action="store_true")
    parser.add_argument("--embedded", action="store_true", help="profile the embedded default (SQLite) instead")
    args = parser.parse_args()
    from tests.live import Stack

    out_dir = Path(args.out or tempfile.mkdtemp(prefix="baton-profile-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    extra_env = {"BATON_SWEEP_INTERVAL": "5"}
    if args.settings:
        extra_env["DJANGO_SETTINGS_MODULE"] = args.settings
    stack = Stack("embedded" if args.embedded else "postgres", extra_env=extra_env).start()
    try:
        api = stack.client()
        drivers.register(api, sorted({20, args.tasks, 1000}))
        print("=== 1. py-spy on the live Daphne process ===")
        print(pyspy_part(stack, api, args.tasks, out_dir, gil=args.gil))
        if not args.skip_inprocess:
            print("\n=== 2. in-process (Django test client, no ASGI) ===")
            print(inprocess_part(stack, min(args.tasks, 900)))
    finally:
        stack.stop()
    print(f"\nartifacts in {out_dir}")


if __name__ == "__main__":
    main()
