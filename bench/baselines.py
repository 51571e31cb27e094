"""Same-run baselines (PERFORMANCE.md rule 1): B1 pgbench, B2 bare psycopg hop, B3 Celery ping-pong."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .common import pg_admin, summary_ms, url_for_db

ROOT = Path(__file__).resolve().parent.parent

TRANSITION_SQL = """\
\\set wf random(1, 10000)
\\set tid random(1, 100000)
BEGIN;
UPDATE wf_task SET status = 'COMPLETED', output = '{"result": 42}', updated = now() WHERE id = :tid;
INSERT INTO task_log(wf, status, payload) VALUES (:wf, 'SCHEDULED', '{"input": 1}');
UPDATE wf_run SET updated = now(), version = version + 1 WHERE id = :wf;
COMMIT;
"""


class ScratchDb:
    """A database of our own for the baselines, dropped afterwards."""

    def __init__(self) -> None:
        self.name = f"baton_bench_scratch_{os.getpid()}"
        self.url = url_for_db(self.name)

    def __enter__(self) -> ScratchDb:
        with pg_admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            with pg_admin() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        except Exception:  # noqa: BLE001 - best effort
            pass


# -- B1: pgbench ---------------------------------------------------------------------------------


def pgbench(db: ScratchDb, seconds: int = 5) -> dict[str, Any]:
    exe = shutil.which("pgbench")
    if exe is None:
        return {"skipped": "pgbench not installed"}
    import psycopg

    with psycopg.connect(db.url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS wf_run, wf_task, task_log")
        conn.execute("CREATE TABLE wf_run (id int PRIMARY KEY, updated timestamptz, version int NOT NULL DEFAULT 0)")
        conn.execute(
            "CREATE TABLE wf_task (id int PRIMARY KEY, wf int, status text, output jsonb, updated timestamptz)"
        )
        conn.execute(
            "CREATE TABLE task_log (id bigserial PRIMARY KEY, wf int, status text, payload jsonb,"
            " created timestamptz DEFAULT now())"
        )
        conn.execute("CREATE INDEX task_log_wf ON task_log (wf)")
        conn.execute("INSERT INTO wf_run SELECT g, now(), 0 FROM generate_series(1, 10000) g")
        conn.execute(
            "INSERT INTO wf_task SELECT g, 1 + g % 10000, 'SCHEDULED', NULL, now() FROM generate_series(1, 100000) g"
        )
        conn.execute("VACUUM ANALYZE wf_run")
        conn.execute("VACUUM ANALYZE wf_task")
        conn.execute("VACUUM ANALYZE task_log")
    out: dict[str, Any] = {"script": "transition.sql (PERFORMANCE.md appendix)", "seconds_each": seconds}
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(TRANSITION_SQL)
        script = f.name
    try:
        for clients in (1, 4):
            cmd = [exe, "-n", "-f", script, "-T", str(seconds), "-c", str(clients), "-j", str(min(clients, 2)),
                   "-h", "127.0.0.1", "-U", "postgres", db.name]
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
            tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", done.stdout)
            lat = re.search(r"latency average = ([\d.]+) ms", done.stdout)
            out[f"c{clients}"] = {
                "tps": float(tps.group(1)) if tps else None,
                "latency_ms": float(lat.group(1)) if lat else None,
            }
            if done.returncode != 0 or not tps:
                out[f"c{clients}"]["error"] = (done.stderr or done.stdout)[-500:]
    finally:
        os.unlink(script)
    return out


# -- B2: bare psycopg sequential hop ----------------------------------------------------------------


def bare_pg_hop(db: ScratchDb, hops: int = 200, warmup: int = 20) -> dict[str, Any]:
    """Two transactions per hop: claim (SKIP LOCKED) + commit; complete + insert next + touch wf + commit."""
    import psycopg
    from psycopg.types.json import Jsonb

    with psycopg.connect(db.url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS q_task, q_wf")
        conn.execute("CREATE TABLE q_wf (id int PRIMARY KEY, updated timestamptz)")
        conn.execute(
            "CREATE TABLE q_task (id bigserial PRIMARY KEY, wf int NOT NULL, status text NOT NULL,"
            " input jsonb, output jsonb, created timestamptz NOT NULL DEFAULT clock_timestamp())"
        )
        conn.execute("CREATE INDEX q_task_sched ON q_task (wf, created) WHERE status = 'SCHEDULED'")
    conn = psycopg.connect(db.url)  # explicit transactions
    claim = (
        "UPDATE q_task SET status='IN_PROGRESS' WHERE id = (SELECT id FROM q_task WHERE status='SCHEDULED'"
        " AND wf=%s ORDER BY created LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id, input"
    )

    def run(wf: int, n: int) -> list[float]:
        with conn.cursor() as cur:
            cur.execute("INSERT INTO q_wf VALUES (%s, now())", (wf,))
            cur.execute("INSERT INTO q_task (wf, status, input) VALUES (%s, 'SCHEDULED', %s)", (wf, Jsonb({"i": 0})))
        conn.commit()
        times = []
        with conn.cursor() as cur:
            for i in range(n):
                t0 = time.perf_counter()
                cur.execute(claim, (wf,))
                task_id, _ = cur.fetchone()
                conn.commit()
                cur.execute("UPDATE q_task SET status='COMPLETED', output=%s WHERE id=%s",
                            (Jsonb({"result": 42}), task_id))
                cur.execute("INSERT INTO q_task (wf, status, input) VALUES (%s, 'SCHEDULED', %s)",
                            (wf, Jsonb({"i": i + 1})))
                cur.execute("UPDATE q_wf SET updated=now() WHERE id=%s", (wf,))
                conn.commit()
                times.append(time.perf_counter() - t0)
        return times

    try:
        run(1, warmup)
        times = run(2, hops)
    finally:
        conn.close()
    return {"hops": hops, **summary_ms(times)}


# -- B3: Celery ping-pong -----------------------------------------------------------------------------


def celery_pingpong(n: int = 200, warmup: int = 20) -> dict[str, Any]:
    import redis

    from .celery_app import REDIS_URL, add1, app

    redis.Redis.from_url(REDIS_URL).flushdb()
    log = tempfile.NamedTemporaryFile(prefix="bench-celery-", suffix=".log", delete=False)  # noqa: SIM115
    cmd = [sys.executable, "-m", "celery", "-A", "bench.celery_app", "worker", "-l", "warning",
           "--concurrency", "1", "--without-gossip", "--without-mingle", "--without-heartbeat",
           "-n", f"benchping-{os.getpid()}@%h"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:  # the first round trip waits for the worker to come up
            try:
                add1.delay(0).get(timeout=5)
                break
            except Exception:  # noqa: BLE001
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    return {"error": "celery worker did not answer: " + Path(log.name).read_text()[-800:]}
        x = 0
        for _ in range(warmup):
            x = add1.delay(x).get(timeout=10)
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            x = add1.delay(x).get(timeout=10)
            times.append(time.perf_counter() - t0)
        return {"round_trips": n, "pool": "prefork, concurrency 1", "broker": REDIS_URL, **summary_ms(times)}
    finally:
        import signal

        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except Exception:  # noqa: BLE001
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except Exception:  # noqa: BLE001
                pass
        app.close()
        redis.Redis.from_url(REDIS_URL).flushdb()
        log.close()
        os.unlink(log.name)
