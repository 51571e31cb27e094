"""Baton benchmark: same-run baselines (B1-B3) and P1/P3/P4/P9 against a live stack.

    .venv/bin/python -m bench.run_bench [--json-out FILE] [--settle 11] [--p4-tasks 2000]

Prints a table (figures beside targets) and a JSON blob. Never asserts: it reports.
See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from . import baselines, drivers
from .common import PG_STATS_SETTLE_SECONDS, StatsReader, per_unit, pg_admin, pg_settings, summary_ms
from .procs import CpuMeter

ROOT = Path(__file__).resolve().parent.parent

TARGETS = {
    "hop_p50_ms": 10.0,
    "hop_p99_ms": 30.0,
    "hop_vs_b2": 8.0,
    "p3_ratio": 1.2,
    "get_1000_ms": 150.0,
    "tasks_per_s": 500.0,
    "commits_per_task": 3.0,
    "starts_per_s": 200.0,
}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# -- environment ---------------------------------------------------------------------------------------------


def environment() -> dict[str, Any]:
    versions = {}
    for pkg in ("Django", "djangorestframework", "channels", "channels-redis", "daphne", "Twisted", "celery",
                "kombu", "redis", "psycopg", "httpx", "django-celery-beat"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    try:
        import redis

        versions["redis-server"] = redis.Redis.from_url("redis://127.0.0.1:6379/0").info("server")["redis_version"]
    except Exception as exc:  # noqa: BLE001
        versions["redis-server"] = f"? ({exc.__class__.__name__})"
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                                    capture_output=True, text=True).stdout.strip())
    except OSError:
        commit, dirty = "", False
    with pg_admin() as conn:
        pg = pg_settings(conn)
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)),
        "cpu_model": _cpu_model(),
        "loadavg_start": os.getloadavg(),
        "versions": versions,
        "git_commit": commit + ("+dirty" if dirty else ""),
        "pg_settings": pg,
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


# -- the run ---------------------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    from tests.live import Stack

    t_begin = time.monotonic()
    res: dict[str, Any] = {"env": environment(), "config": vars(args).copy()}

    # Baselines first, while no stack is running.
    log("B1/B2: scratch database")
    with baselines.ScratchDb() as db:
        res["B2_bare_pg_hop"] = baselines.bare_pg_hop(db, hops=200)
        log(f"B2 p50 {res['B2_bare_pg_hop']['p50']} ms")
        res["B1_pgbench"] = baselines.pgbench(db, seconds=args.pgbench_seconds) if not args.skip_pgbench \
            else {"skipped": "--skip-pgbench"}
    log("B3: celery ping-pong")
    res["B3_celery_pingpong"] = baselines.celery_pingpong(200)

    log("starting stack")
    extra_env = {"BATON_SWEEP_INTERVAL": str(args.sweep_interval)}
    if args.settings:
        extra_env["DJANGO_SETTINGS_MODULE"] = args.settings  # an experiment, e.g. bench.settings_pooled
    stack = Stack("postgres", extra_env=extra_env).start()
    try:
        res["stack"] = {"db": stack.db_name, "redis_db": stack.redis_db, "sweep_interval_s": args.sweep_interval,
                        "settings": args.settings or "orchestrator.settings"}
        _run_on_stack(stack, args, res)
    finally:
        log("stopping stack")
        stack.stop()
    res["env"]["loadavg_end"] = os.getloadavg()
    res["total_runtime_s"] = round(time.monotonic() - t_begin, 1)
    return res


def _settle(args: argparse.Namespace, why: str) -> None:
    log(f"settling {args.settle:.0f} s for pg_stat counters ({why})")
    time.sleep(args.settle)


def _run_on_stack(stack: Any, args: argparse.Namespace, res: dict[str, Any]) -> None:
    api = stack.client()
    headers = dict(api.headers)
    base_url = str(api.base_url).rstrip("/")
    sizes = sorted({20, 100, 200, 1000})
    drivers.register(api, sizes)
    stats = StatsReader(stack.db_name)
    cpu = CpuMeter(stack.proc.pid, stats.conn, stack.db_name)

    # Warm-up: a throwaway 20-task sequential run and 20 one-task workflows through /api/tasks.
    log("warm-up")
    warm = drivers.run_sequential(api, 20)
    create = drivers.create_many(base_url, headers, 20, 4)
    got = 0
    while got < 20:
        for t in drivers.poll_batch(api, drivers.P4_TASK, "warm", 20, 1000):
            api.post("/tasks", json={"taskId": t["taskId"], "status": "COMPLETED", "outputData": drivers.OUTPUT})
            got += 1
    res["warmup"] = {"seq20_hop_p50_ms": summary_ms(warm.get("hops", [])).get("p50"), "p4_created": len(create["ids"])}

    # Idle commit rate (sweeper, beat) over a quiet window, after pending counters have flushed.
    _settle(args, "after warm-up")
    s0 = stats.snapshot()
    time.sleep(args.idle_window)
    s1 = stats.snapshot()
    idle = s1.minus(s0)
    idle_rate = {k: v / idle["seconds"] for k, v in idle.items() if k != "seconds"}
    res["idle"] = {"window": idle, "per_second": {k: round(v, 3) for k, v in idle_rate.items()}}
    log(f"idle: {idle['xact_commit']} commits in {idle['seconds']:.1f} s")

    # P1: sequential latency, 200 SIMPLE tasks, update-v2 loop (reps runs, pooled hops).
    log(f"P1: {args.p1_reps} x 200-task sequential workflow")
    s0 = stats.snapshot()
    cpu.start()
    t0 = time.monotonic()
    p1_runs = [drivers.run_sequential(api, 200) for _ in range(args.p1_reps)]
    p1_wall = time.monotonic() - t0
    p1_cpu = cpu.stop(p1_wall)
    _settle(args, "after P1")
    s1 = stats.snapshot()
    hops = [h for r in p1_runs for h in r.get("hops", [])]
    res["P1"] = {
        "runs": args.p1_reps, "tasks_per_run": 200,
        "hop_ms": summary_ms(hops),
        "run_p50s_ms": [summary_ms(r.get("hops", [])).get("p50") for r in p1_runs],
        "fallbacks": sum(r.get("fallbacks", 0) for r in p1_runs),
        "errors": sum(r.get("errors", 0) for r in p1_runs) + sum(1 for r in p1_runs if "error" in r),
        "completed": sum(r.get("completed", 0) for r in p1_runs),
        "start_ms": [round(r.get("start_ms", 0), 2) for r in p1_runs],
        "loop_wall_s": round(p1_wall, 3),
        "cpu": p1_cpu,
        "pg": per_unit(s1.minus(s0), idle_rate, 200 * args.p1_reps),
        "workflow_ids": [r.get("workflow_id") for r in p1_runs],
    }
    log(f"P1 hop p50 {res['P1']['hop_ms'].get('p50')} ms")

    # P3: per-task cost at 100 and 1000 tasks, then GET /workflow/{id} of the 1000-task one. The 100-task
    # runs are split around the 1000-task run (100, 1000, 100) so a drift in machine load cancels out.
    log("P3: 100, 1000, 100 tasks")
    s0 = stats.snapshot()
    runs100 = [drivers.run_sequential(api, 100)]
    run1000 = drivers.run_sequential(api, 1000)
    runs100.append(drivers.run_sequential(api, 100))
    _settle(args, "after P3")
    s1 = stats.snapshot()
    h100 = [h for r in runs100 for h in r.get("hops", [])]
    h1000 = run1000.get("hops", [])
    m100, m1000 = summary_ms(h100), summary_ms(h1000)
    wall100 = statistics.median(r["loop_s"] / r["tasks"] for r in runs100 if "loop_s" in r)
    wall1000 = run1000["loop_s"] / run1000["tasks"] if "loop_s" in run1000 else float("nan")
    gets, size = [], 0
    for _ in range(5):
        t = time.perf_counter()
        r = api.get(f"/workflow/{run1000['workflow_id']}")
        gets.append(time.perf_counter() - t)
        size = len(r.content)
    res["P3"] = {
        "hop_ms_100": m100, "hop_ms_1000": m1000,
        "mean_ratio_1000_100": round(m1000["mean"] / m100["mean"], 3) if m100.get("mean") else None,
        "p50_ratio_1000_100": round(m1000["p50"] / m100["p50"], 3) if m100.get("p50") else None,
        "wall_per_task_ms_100": round(wall100 * 1000, 3), "wall_per_task_ms_1000": round(wall1000 * 1000, 3),
        "fallbacks": sum(r.get("fallbacks", 0) for r in runs100) + run1000.get("fallbacks", 0),
        "errors": sum(r.get("errors", 0) for r in runs100) + run1000.get("errors", 0),
        "get_workflow_1000_ms": summary_ms(gets), "get_workflow_1000_bytes": size,
        "pg": per_unit(s1.minus(s0), idle_rate, 100 * len(runs100) + 1000),
        "workflow_ids": [r.get("workflow_id") for r in runs100] + [run1000.get("workflow_id")],
    }
    log(f"P3 ratio {res['P3']['mean_ratio_1000_100']}")

    # P4: pre-create N one-task workflows, then 2 worker processes (batch poll 100, one POST per result).
    n = args.p4_tasks
    log(f"P4: creating {n} one-task workflows (concurrency {args.create_concurrency})")
    s0 = stats.snapshot()
    cpu.start()
    created = drivers.create_many(base_url, headers, n, args.create_concurrency)
    create_cpu = cpu.stop(created["seconds"])
    _settle(args, "after P4 create")
    s1 = stats.snapshot()
    log(f"P4: {len(created['ids'])} created in {created['seconds']:.1f} s; running 2 workers")
    ctx = mp.get_context("spawn")
    done = ctx.Value("i", 0)
    barrier = ctx.Barrier(args.p4_workers + 1)
    queue = ctx.Queue()
    procs = [ctx.Process(target=drivers.p4_worker, args=(base_url, headers, f"bench-p4-{i}", n, done, barrier, queue))
             for i in range(args.p4_workers)]
    for p in procs:
        p.start()
    barrier.wait()
    cpu.start()
    t_run0 = time.monotonic()
    outs = [queue.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    run_cpu = cpu.stop(time.monotonic() - t_run0)
    first = min(o["first_poll"] for o in outs if o["first_poll"] is not None)
    last = max(o["last_done"] for o in outs if o["last_done"] is not None)
    posted = sum(o["posted"] for o in outs)
    _settle(args, "after P4 run")
    s2 = stats.snapshot()
    import psycopg

    with psycopg.connect(stack.env["DATABASE_URL"], autocommit=True) as conn:
        completed_wf = conn.execute(
            "SELECT count(*) FROM executions_workflow WHERE name = %s AND status = 'COMPLETED'",
            (drivers.P4_WORKFLOW,)).fetchone()[0]
        total_wf = conn.execute("SELECT count(*) FROM executions_workflow WHERE name = %s",
                                (drivers.P4_WORKFLOW,)).fetchone()[0]
        p1p3_ids = res["P1"].pop("workflow_ids") + res["P3"].pop("workflow_ids")
        seq_done = conn.execute("SELECT count(*) FROM executions_workflow WHERE id = ANY(%s) AND status='COMPLETED'",
                                (p1p3_ids,)).fetchone()[0]
    post_times = [t for o in outs for t in o["post_times"]]
    res["P4"] = {
        "tasks": n, "workers": args.p4_workers, "batch": 100,
        "create_seconds": round(created["seconds"], 3),
        "create_concurrency": created["concurrency"],
        "starts_per_s": round(len(created["ids"]) / created["seconds"], 1),
        "start_latency_ms": summary_ms(created["latencies"]),
        "create_errors": created["errors"],
        "create_cpu": create_cpu,
        "run_seconds": round(last - first, 3),
        "tasks_per_s": round(posted / (last - first), 1),
        "posted": posted,
        "post_ms": summary_ms(post_times),
        "polls": sum(o["polls"] for o in outs), "empty_polls": sum(o["empty_polls"] for o in outs),
        "errors": sum(o["errors"] for o in outs),
        "run_cpu": run_cpu,
        "sql_completed_workflows": completed_wf, "sql_total_workflows": total_wf,
        "pg_create": per_unit(s1.minus(s0), idle_rate, n),
        "pg_run": per_unit(s2.minus(s1), idle_rate, n),
        "pg_total": per_unit(s2.minus(s0), idle_rate, n),
    }
    res["P1"]["sql_completed_workflows"] = seq_done
    res["P1P3_workflows_checked"] = len(p1p3_ids)
    stats.close()
    api.close()


# -- output ------------------------------------------------------------------------------------------------------


def _verdict(value: float | None, target: float, higher_is_better: bool = False) -> str:
    if value is None or value != value:
        return "n/a"
    ok = value >= target if higher_is_better else value <= target
    return "meets" if ok else "MISSES"


def table(res: dict[str, Any]) -> str:
    rows: list[tuple[str, str, str, str, str]] = []

    def add(key: str, metric: str, value: Any, target: str = "", verdict: str = "") -> None:
        rows.append((key, metric, str(value), target, verdict))

    b1, b2, b3 = res.get("B1_pgbench", {}), res.get("B2_bare_pg_hop", {}), res.get("B3_celery_pingpong", {})
    if "c1" in b1:
        add("B1", "pgbench transition tx, 1 client: latency / tps",
            f"{b1['c1']['latency_ms']} ms / {b1['c1']['tps']:.0f}", "anchor 0.37 ms")
        add("B1", "pgbench transition tx, 4 clients: tps", f"{b1['c4']['tps']:.0f}", "anchor 3.6k")
    else:
        add("B1", "pgbench", b1.get("skipped", b1))
    add("B2", "bare psycopg hop (2 commits) p50 / p95 / p99",
        f"{b2.get('p50')} / {b2.get('p95')} / {b2.get('p99')} ms", "anchor 1.2 ms")
    add("B3", "Celery ping-pong round trip p50 / p95 / p99",
        f"{b3.get('p50')} / {b3.get('p95')} / {b3.get('p99')} ms", "anchor 2.1 ms")

    idle = res.get("idle", {})
    if idle:
        ps = idle["per_second"]
        add("idle", "stack idle: commits/s, write tx/s (cluster)", f"{ps['xact_commit']:.2f}, {ps['write_xacts']:.2f}")

    p1 = res.get("P1")
    if p1:
        h = p1["hop_ms"]
        add("P1", f"hop p50 ({h['n']} hops, {p1['runs']} runs)", f"{h['p50']} ms", "<= 10 ms",
            _verdict(h["p50"], TARGETS["hop_p50_ms"]))
        add("P1", "hop p95 / p99", f"{h['p95']} / {h['p99']} ms", "p99 <= 30 ms",
            _verdict(h["p99"], TARGETS["hop_p99_ms"]))
        add("P1", "per-run hop p50", ", ".join(f"{x}" for x in p1["run_p50s_ms"]) + " ms")
        if b2.get("p50"):
            ratio = h["p50"] / b2["p50"]
            add("P1", "hop p50 / B2 p50", f"{ratio:.2f}x", "<= 8x", _verdict(ratio, TARGETS["hop_vs_b2"]))
        if b3.get("p50"):
            add("P1", "hop p50 / B3 p50 (Celery round trip)", f"{h['p50'] / b3['p50']:.2f}x")
        add("P1", "update-v2 fallbacks / errors", f"{p1['fallbacks']} / {p1['errors']}", "0 / 0")
        if "sql_completed_workflows" in p1:
            add("P1", "SQL check: P1+P3 workflows COMPLETED",
                f"{p1['sql_completed_workflows']} / {res.get('P1P3_workflows_checked')}")
        pg = p1["pg"]["xact_commit"]
        add("P9", "P1 commits/task raw / net of idle", f"{pg['raw_per_unit']} / {pg['net_per_unit']}", "<= 3",
            _verdict(pg["net_per_unit"], TARGETS["commits_per_task"]))
        add("P9", "P1 tuples ins/upd per task (raw)",
            f"{p1['pg']['tup_inserted']['raw_per_unit']} / {p1['pg']['tup_updated']['raw_per_unit']}")
        add("P9", "P1 write tx (xid) / WAL fsyncs per task, raw (net) [cluster]", _raw_net(p1["pg"]))
        add("P9", "P1 new PG connections (sessions) per task", p1["pg"]["sessions"]["raw_per_unit"], "~0 (pooled)")
        add("P1", "CPU cores used: daphne / PG cluster / celery worker",
            _cores(p1["cpu"], "daphne", "pg_cluster", "celery_worker"))
        daphne_cpu = p1["cpu"].get("daphne", {}).get("cpu_s", 0)
        add("P1", "Daphne CPU ms per task", round(1000 * daphne_cpu / (200 * p1["runs"]), 1))

    p3 = res.get("P3")
    if p3:
        add("P3", "per-task mean hop @100 / @1000",
            f"{p3['hop_ms_100']['mean']} / {p3['hop_ms_1000']['mean']} ms")
        add("P3", "ratio 1000/100 (mean hop)", p3["mean_ratio_1000_100"], "<= 1.2",
            _verdict(p3["mean_ratio_1000_100"], TARGETS["p3_ratio"]))
        add("P3", "ratio 1000/100 (p50 hop; wall/task)",
            f"{p3['p50_ratio_1000_100']}; {p3['wall_per_task_ms_1000'] / p3['wall_per_task_ms_100']:.3f}")
        g = p3["get_workflow_1000_ms"]
        add("P3", "GET /workflow/{id}, 1000 tasks: p50 (min)",
            f"{g['p50']} ms ({g['min']}) {p3['get_workflow_1000_bytes'] // 1024} KiB", "<= 150 ms",
            _verdict(g["p50"], TARGETS["get_1000_ms"]))
        pg = p3["pg"]["xact_commit"]
        add("P9", "P3 commits/task raw / net", f"{pg['raw_per_unit']} / {pg['net_per_unit']}", "<= 3",
            _verdict(pg["net_per_unit"], TARGETS["commits_per_task"]))

    p4 = res.get("P4")
    if p4:
        add("P4", f"create {p4['tasks']} workflows (x{p4['create_concurrency']} clients): starts/s",
            p4["starts_per_s"], ">= 200 (P6)", _verdict(p4["starts_per_s"], TARGETS["starts_per_s"], True))
        sl = p4["start_latency_ms"]
        add("P4", "POST /workflow latency p50 / p99", f"{sl['p50']} / {sl['p99']} ms")
        add("P4", f"throughput, {p4['workers']} workers, batch 100, one POST each",
            f"{p4['tasks_per_s']} tasks/s", ">= 500", _verdict(p4["tasks_per_s"], TARGETS["tasks_per_s"], True))
        add("P4", "POST /tasks latency p50 / p99", f"{p4['post_ms'].get('p50')} / {p4['post_ms'].get('p99')} ms")
        add("P4", "SQL check: COMPLETED / total workflows",
            f"{p4['sql_completed_workflows']} / {p4['sql_total_workflows']}", f"{p4['tasks'] + 20} (incl. 20 warm-up)")
        add("P4", "CPU cores used in run: daphne / PG cluster / celery worker",
            _cores(p4["run_cpu"], "daphne", "pg_cluster", "celery_worker"))
        add("P4", "Daphne CPU ms per task: create / run",
            f"{1000 * p4['create_cpu'].get('daphne', {}).get('cpu_s', 0) / p4['tasks']:.1f} / "
            f"{1000 * p4['run_cpu'].get('daphne', {}).get('cpu_s', 0) / p4['tasks']:.1f}")
        for label, key in (("create", "pg_create"), ("run", "pg_run"), ("create+run", "pg_total")):
            pg = p4[key]["xact_commit"]
            target = "<= 3" if key == "pg_total" else ""
            verdict = _verdict(pg["net_per_unit"], TARGETS["commits_per_task"]) if key == "pg_total" else ""
            add("P9", f"P4 {label} commits/task raw / net", f"{pg['raw_per_unit']} / {pg['net_per_unit']}",
                target, verdict)
        add("P9", "P4 new PG connections per task: create / run",
            f"{p4['pg_create']['sessions']['raw_per_unit']} / {p4['pg_run']['sessions']['raw_per_unit']}")
        add("P9", "P4 total tuples ins/upd per task (raw)",
            f"{p4['pg_total']['tup_inserted']['raw_per_unit']} / {p4['pg_total']['tup_updated']['raw_per_unit']}")
        add("P9", "P4 total write tx (xid) / WAL fsyncs per task, raw (net) [cluster]", _raw_net(p4["pg_total"]))

    widths = [max(len(r[i]) for r in rows + [("ID", "Metric", "Value", "Target", "Verdict")]) for i in range(5)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [line.format("ID", "Metric", "Value", "Target", "Verdict"), line.format(*("-" * w for w in widths))]
    out += [line.format(*r) for r in rows]
    return "\n".join(out)


def compact_json(obj: Any, indent: int = 0) -> str:
    """JSON with one line per flat object or list (all-scalar values), nested ones indented."""
    flat = (not isinstance(obj, (dict, list))
            or all(not isinstance(v, (dict, list)) for v in (obj.values() if isinstance(obj, dict) else obj)))
    if flat:
        return json.dumps(obj, default=str)
    pad, inner = " " * indent, " " * (indent + 1)
    if isinstance(obj, dict):
        items = [f"{inner}{json.dumps(k)}: {compact_json(v, indent + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    items = [inner + compact_json(v, indent + 1) for v in obj]
    return "[\n" + ",\n".join(items) + "\n" + pad + "]"


def _raw_net(pg: dict[str, Any]) -> str:
    w, f = pg["write_xacts"], pg["wal_sync"]
    return f"{w['raw_per_unit']} ({w['net_per_unit']}) / {f['raw_per_unit']} ({f['net_per_unit']})"


def _cores(cpu: dict[str, Any], *roles: str) -> str:
    return " / ".join(str(cpu.get(r, {}).get("cores", "-")) for r in roles)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--p1-reps", type=int, default=3, help="200-task sequential runs pooled for P1")
    parser.add_argument("--p4-tasks", type=int, default=2000)
    parser.add_argument("--p4-workers", type=int, default=2)
    parser.add_argument("--create-concurrency", type=int, default=4, help="client threads creating P4 workflows")
    parser.add_argument("--settle", type=float, default=PG_STATS_SETTLE_SECONDS,
                        help="wait before closing a pg_stat window (PG flushes idle backends' counters after 10 s)")
    parser.add_argument("--idle-window", type=float, default=5.0)
    parser.add_argument("--sweep-interval", type=int, default=5, help="BATON_SWEEP_INTERVAL for the stack")
    parser.add_argument("--pgbench-seconds", type=int, default=5, help="per client count (1 and 4)")
    parser.add_argument("--skip-pgbench", action="store_true")
    parser.add_argument("--json-out", help="also write the JSON blob to this file")
    parser.add_argument("--settings", help="DJANGO_SETTINGS_MODULE for the stack (experiments; default: the project's)")
    args = parser.parse_args()
    res = run(args)
    print("\n== Baton benchmark ==")
    env = res["env"]
    print(f"commit {env['git_commit']}  python {env['python']}  {env['cpu_count']} CPUs ({env['cpu_model']})  "
          f"PG {env['pg_settings']['server_version']} synchronous_commit={env['pg_settings']['synchronous_commit']}  "
          f"load {env['loadavg_start'][0]:.2f} -> {env['loadavg_end'][0]:.2f}  runtime {res['total_runtime_s']} s")
    print(table(res))
    blob = compact_json(res)
    print("\n== JSON ==")
    print(blob)
    if args.json_out:
        Path(args.json_out).write_text(blob)


if __name__ == "__main__":
    main()
