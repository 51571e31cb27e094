"""Scale-out on one machine: the same start + drain with 1, then 2 web processes, in one run.

    .venv/bin/python -m bench.run_scale [--web 1,2] [--tasks 2000] [--workers 6] [--json-out FILE]   # ~2 min

For each web process count (`manage.py serve --web-processes`, one PostgreSQL, one Redis, one Celery
worker): a fresh `tests.live.Stack("postgres")`, a warm-up, then P4's two phases (`run_bench`'s
drivers): N one-task workflows started by 4 client threads, then drained by `--workers` batch-polling
worker processes that POST one `/api/tasks` per result. Printed per count: starts/s, tasks/s, the ratio
to the first count, and the CPU each part of the stack used (cores = CPU seconds / wall seconds), so
the table says what caps the figure. The same-run ceiling of the database is pgbench's
`transition.sql` (3 statements, one commit) at 1 and 4 clients on a scratch database.

The clients run on the same 2 cores as the stack: a second web process can only use what the
first one, PostgreSQL and the clients leave idle.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

from . import baselines, drivers
from .common import StatsReader
from .procs import CpuMeter


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def drain(base_url: str, headers: dict[str, str], n: int, workers: int) -> dict[str, Any]:
    ran = drivers.run_workers(base_url, headers, n, workers, "scale")
    return {k: ran[k] for k in ("posted", "errors", "seconds", "tasks_per_s")}


def one_count(web: int, args: argparse.Namespace) -> dict[str, Any]:
    from tests.live import Stack

    stack = Stack("postgres", extra_env={"BATON_SWEEP_INTERVAL": "5", "BATON_WEB_PROCESSES": str(web)}).start()
    try:
        api = stack.client()
        headers = dict(api.headers)
        base_url = str(api.base_url).rstrip("/")
        drivers.register(api, [20])
        stats = StatsReader(stack.db_name)
        cpu = CpuMeter(stack.proc.pid, stats.conn, stack.db_name)
        warm = drivers.create_many(base_url, headers, 100, 4)
        drain(base_url, headers, len(warm["ids"]), args.workers)
        log(f"{web} web: starting {args.tasks}")
        cpu.start()
        created = drivers.create_many(base_url, headers, args.tasks, 4)
        create_cpu = cpu.stop(created["seconds"])
        log(f"{web} web: draining")
        cpu.start()
        t0 = time.monotonic()
        drained = drain(base_url, headers, len(created["ids"]), args.workers)
        drain_cpu = cpu.stop(time.monotonic() - t0)
        stats.close()
        api.close()
        return {"web_processes": web, "starts_per_s": round(len(created["ids"]) / created["seconds"], 1),
                "start_errors": created["errors"], "create_cpu": create_cpu, "drain": drained, "drain_cpu": drain_cpu}
    finally:
        stack.stop()


def _cores(cpu: dict[str, Any]) -> str:
    return ", ".join(f"{role} {v['cores']}" for role, v in cpu.items() if v["cores"] and role != "postgres_backends")


def table(res: dict[str, Any]) -> str:
    rows = res["counts"]
    base = rows[0]
    out = ["", "== Baton scale-out: web processes on one PostgreSQL ==",
           f"2 vCPU shared with the clients; load {res['load_start']} -> {res['load_end']}",
           f"pgbench transition tx (same run): 1 client {res['pgbench'].get('c1_tps')} tps, "
           f"4 clients {res['pgbench'].get('c4_tps')} tps", ""]
    out.append(f"{'web':>3}  {'starts/s':>9}  {'x':>5}  {'tasks/s':>8}  {'x':>5}  cores used while draining")
    for r in rows:
        starts, tasks = r["starts_per_s"], r["drain"]["tasks_per_s"]
        out.append(f"{r['web_processes']:>3}  {starts:>9}  {starts / base['starts_per_s']:>5.2f}  "
                   f"{tasks:>8}  {tasks / base['drain']['tasks_per_s']:>5.2f}  {_cores(r['drain_cpu'])}")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--web", default="1,2", help="web process counts, in order")
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=6,
                        help="batch-polling worker processes (enough requests in flight for two web processes)")
    parser.add_argument("--json-out")
    args = parser.parse_args()
    res: dict[str, Any] = {"load_start": [round(x, 2) for x in os.getloadavg()], "config": vars(args)}
    with baselines.ScratchDb() as db:
        bench = baselines.pgbench(db, seconds=5)
    res["pgbench"] = {"c1_tps": bench.get("c1", {}).get("tps"), "c4_tps": bench.get("c4", {}).get("tps"), "raw": bench}
    res["counts"] = [one_count(int(w), args) for w in args.web.split(",")]
    res["load_end"] = [round(x, 2) for x in os.getloadavg()]
    print(table(res))
    print(json.dumps(res, indent=1, default=str))
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(res, f, indent=1, default=str)


if __name__ == "__main__":
    main()
