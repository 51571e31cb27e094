"""Small helpers shared by the bench modules: percentiles, PostgreSQL stats snapshots."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

PG_ADMIN_URL = os.environ.get("BATON_TEST_PG", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_BASE = os.environ.get("BATON_TEST_REDIS", "redis://127.0.0.1:6379")

# PostgreSQL 15+ backends flush their stats counters at most once a second while busy, and an
# idle backend with pending counters flushes them 10 s later (PGSTAT_IDLE_INTERVAL). A stats
# window must therefore end >10 s after the last activity it wants to see.
PG_STATS_SETTLE_SECONDS = 11.0


def percentile(values: list[float], p: float) -> float:
    """Linear-interpolated percentile (numpy's default), p in [0, 100]."""
    if not values:
        return float("nan")
    xs = sorted(values)
    if len(xs) == 1:
        return xs[0]
    k = (len(xs) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def summary_ms(seconds: list[float]) -> dict[str, float]:
    """p50/p95/p99/mean/min/max in milliseconds of a list of durations in seconds."""
    ms = [s * 1000 for s in seconds]
    if not ms:
        return {"n": 0}
    return {
        "n": len(ms),
        "p50": round(percentile(ms, 50), 3),
        "p95": round(percentile(ms, 95), 3),
        "p99": round(percentile(ms, 99), 3),
        "mean": round(sum(ms) / len(ms), 3),
        "min": round(min(ms), 3),
        "max": round(max(ms), 3),
    }


def pg_admin() -> Any:
    import psycopg

    return psycopg.connect(PG_ADMIN_URL, autocommit=True)


def url_for_db(db_name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + db_name


@dataclass
class PgStats:
    t: float
    xact_commit: int
    xact_rollback: int
    tup_inserted: int
    tup_updated: int
    tup_deleted: int
    sessions: int  # new connections to the database (PG 14+)
    xid_next: int  # cluster-wide: transactions that were assigned an xid (i.e. wrote something)
    wal_records: int  # cluster-wide
    wal_bytes: int  # cluster-wide
    wal_sync: int  # cluster-wide: WAL fsyncs (≈ durable commit flushes, after group commit)

    def minus(self, other: PgStats) -> dict[str, float]:
        return {
            "seconds": round(self.t - other.t, 3),
            "xact_commit": self.xact_commit - other.xact_commit,
            "xact_rollback": self.xact_rollback - other.xact_rollback,
            "tup_inserted": self.tup_inserted - other.tup_inserted,
            "tup_updated": self.tup_updated - other.tup_updated,
            "tup_deleted": self.tup_deleted - other.tup_deleted,
            "sessions": self.sessions - other.sessions,
            "write_xacts": self.xid_next - other.xid_next,
            "wal_records": self.wal_records - other.wal_records,
            "wal_bytes": self.wal_bytes - other.wal_bytes,
            "wal_sync": self.wal_sync - other.wal_sync,
        }


class StatsReader:
    """Reads pg_stat_database for one database from a connection to *another* database,
    so that the reads themselves are not counted in the measured database."""

    def __init__(self, db_name: str) -> None:
        self.db_name = db_name
        self.conn = pg_admin()

    def snapshot(self) -> PgStats:
        with self.conn.cursor() as cur:
            cur.execute("SELECT pg_stat_clear_snapshot()")
            cur.execute(
                "SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted, sessions"
                " FROM pg_stat_database WHERE datname = %s",
                (self.db_name,),
            )
            row = cur.fetchone()
            cur.execute("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint")
            xid = cur.fetchone()[0]
            cur.execute("SELECT wal_records, wal_bytes::bigint, wal_sync FROM pg_stat_wal")
            wal = cur.fetchone()
        return PgStats(time.monotonic(), *row, xid, *wal)

    def close(self) -> None:
        self.conn.close()


def per_unit(delta: dict[str, float], idle_rate: dict[str, float], units: int) -> dict[str, Any]:
    """Raw and idle-subtracted figures per unit of work for a stats window."""
    secs = delta["seconds"]
    out: dict[str, Any] = {"window_s": secs, "units": units}
    for key in ("xact_commit", "tup_inserted", "tup_updated", "sessions", "write_xacts", "wal_sync", "wal_bytes"):
        raw = delta[key]
        idle = idle_rate.get(key, 0.0) * secs
        out[key] = {
            "raw_total": raw,
            "idle_estimate": round(idle, 1),
            "raw_per_unit": round(raw / units, 3),
            "net_per_unit": round((raw - idle) / units, 3),
        }
    return out


def pg_settings(conn: Any) -> dict[str, str]:
    names = [
        "server_version", "synchronous_commit", "fsync", "full_page_writes", "wal_sync_method", "wal_level",
        "commit_delay", "shared_buffers", "max_connections", "work_mem", "effective_io_concurrency",
        "max_wal_size", "checkpoint_timeout", "track_counts", "jit",
    ]
    out = {}
    with conn.cursor() as cur:
        for name in names:
            try:
                cur.execute(f"SHOW {name}")
                out[name] = cur.fetchone()[0]
            except Exception as exc:  # noqa: BLE001
                out[name] = f"? ({exc.__class__.__name__})"
    return out
