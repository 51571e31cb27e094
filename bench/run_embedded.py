"""The embedded default (`make run` without DATABASE_URL: SQLite + the filesystem broker): hop and drain.

    .venv/bin/python -m bench.run_embedded [--hops-reps 3] [--drain 500] [--json-out FILE]

Same-run baseline first: a bare sqlite3 hop with the stack's own settings (WAL, synchronous=NORMAL,
BEGIN IMMEDIATE): claim + commit, then complete + insert next + touch the workflow + commit. Then
a real embedded stack (`tests.live.Stack("embedded")`, one web process, Celery on the filesystem
broker): P1-style sequential update-v2 hops over 200-task workflows, and a drain of one-task
workflows created by 4 client threads and completed by 2 batch-polling worker processes with one
POST /api/tasks per result (P4's driver). Prints a table with each figure beside the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import drivers
from bench.common import summary_ms

HOP_TARGET_MS = 10.0  # issue 11: embedded hop p50 <= 10 ms


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def bare_sqlite_hop(hops: int = 200, warmup: int = 20) -> dict[str, Any]:
    """The SQLite analogue of B2, on a scratch file with the stack's pragmas."""
    path = Path(tempfile.mkdtemp(prefix="baton-bench-sqlite-")) / "hop.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                       "CREATE TABLE q_wf (id INTEGER PRIMARY KEY, updated TEXT);"
                       "CREATE TABLE q_task (id INTEGER PRIMARY KEY, wf INT NOT NULL, status TEXT NOT NULL,"
                       " input TEXT, output TEXT, created REAL NOT NULL);"
                       "CREATE INDEX q_task_sched ON q_task (wf, created) WHERE status = 'SCHEDULED';")

    def run(wf: int, n: int) -> list[float]:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO q_wf VALUES (?, datetime('now'))", (wf,))
        conn.execute("INSERT INTO q_task (wf, status, input, created) VALUES (?, 'SCHEDULED', ?, ?)",
                     (wf, json.dumps({"i": 0}), time.time()))
        conn.execute("COMMIT")
        times = []
        for i in range(n):
            t0 = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            task_id = conn.execute(
                "UPDATE q_task SET status='IN_PROGRESS' WHERE id = (SELECT id FROM q_task WHERE status='SCHEDULED'"
                " AND wf=? ORDER BY created LIMIT 1) RETURNING id", (wf,)).fetchone()[0]
            conn.execute("COMMIT")
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE q_task SET status='COMPLETED', output=? WHERE id=?",
                         (json.dumps({"result": 42}), task_id))
            conn.execute("INSERT INTO q_task (wf, status, input, created) VALUES (?, 'SCHEDULED', ?, ?)",
                         (wf, json.dumps({"i": i + 1}), time.time()))
            conn.execute("UPDATE q_wf SET updated=datetime('now') WHERE id=?", (wf,))
            conn.execute("COMMIT")
            times.append(time.perf_counter() - t0)
        return times

    try:
        run(1, warmup)
        times = run(2, hops)
    finally:
        conn.close()
    return {"hops": hops, **summary_ms(times)}


def drain(base_url: str, headers: dict[str, str], n: int, workers: int) -> dict[str, Any]:
    created = drivers.create_many(base_url, headers, n, 4)
    log(f"drain: {len(created['ids'])} created in {created['seconds']:.1f} s ({created['errors']} errors)")
    ran = drivers.run_workers(base_url, headers, n, workers, "emb")
    return {
        "created": len(created["ids"]), "create_errors": created["errors"],
        "starts_per_s": round(len(created["ids"]) / created["seconds"], 1),
        "start_ms": summary_ms(created["latencies"]),
        "posted": ran["posted"], "errors": ran["errors"], "tasks_per_s": ran["tasks_per_s"],
        "post_tasks_ms": summary_ms(ran["post_times"]),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    from tests.live import Stack

    res: dict[str, Any] = {"loadavg_start": os.getloadavg()}
    log("baseline: bare sqlite3 hop")
    res["bare_sqlite_hop"] = bare_sqlite_hop()
    stack = Stack("embedded").start()
    try:
        api = stack.client()
        headers, base_url = dict(api.headers), str(api.base_url).rstrip("/")
        drivers.register(api, [20, 200])
        log("warm-up")
        drivers.run_sequential(api, 20)
        log(f"hops: {args.hop_reps} x 200-task sequential workflow")
        runs = [drivers.run_sequential(api, 200) for _ in range(args.hop_reps)]
        res["hop"] = {**summary_ms([h for r in runs for h in r.get("hops", [])]),
                      "fallbacks": sum(r.get("fallbacks", 0) for r in runs),
                      "errors": sum(r.get("errors", 0) for r in runs)}
        log(f"drain: {args.drain} one-task workflows, {args.workers} worker processes")
        res["drain"] = drain(base_url, headers, args.drain, args.workers)
    finally:
        stack.stop()
    res["loadavg_end"] = os.getloadavg()
    return res


def table(res: dict[str, Any]) -> str:
    base, hop, dr = res["bare_sqlite_hop"], res["hop"], res["drain"]
    ratio = round(hop["p50"] / base["p50"], 1) if base.get("p50") else None
    verdict = "met" if hop["p50"] <= HOP_TARGET_MS else "MISSES"
    rows = [
        f"load {res['loadavg_start'][0]:.2f} -> {res['loadavg_end'][0]:.2f}",
        "| measure | embedded | baseline | ratio | target |",
        "|---|---|---|---|---|",
        f"| hop p50 / p99 (update-v2) | {hop['p50']} / {hop['p99']} ms | bare sqlite3 {base['p50']} / {base['p99']} ms"
        f" | {ratio}x | <= {HOP_TARGET_MS} ms: {verdict} |",
        f"| drain, 2 workers, POST /api/tasks | {dr['tasks_per_s']} tasks/s"
        f" (POST p50 {dr['post_tasks_ms'].get('p50')} ms) | | | measure |",
        f"| starts, 4 client threads | {dr['starts_per_s']} /s (p50 {dr['start_ms'].get('p50')} ms,"
        f" p99 {dr['start_ms'].get('p99')} ms) | | | measure |",
        f"| errors | hops {hop['errors']}, fallbacks {hop['fallbacks']}, drain {dr['errors']},"
        f" create {dr['create_errors']} | | | 0 |",
    ]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hop-reps", type=int, default=3)
    parser.add_argument("--drain", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json-out")
    args = parser.parse_args()
    res = run(args)
    print(table(res))
    blob = json.dumps(res, indent=1, default=str)
    print(blob)
    if args.json_out:
        Path(args.json_out).write_text(blob)


if __name__ == "__main__":
    main()
