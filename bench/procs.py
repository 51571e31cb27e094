"""CPU accounting of the stack's processes (Daphne, Celery worker, beat, PostgreSQL backends)
from /proc, to show which process the time goes to during a measured window."""

from __future__ import annotations

import os
from typing import Any

_TICK = os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return out


def descendants(pid: int) -> list[int]:
    seen, todo = [], [pid]
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += _children(p)
    return seen


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0.0


def role_of(cmd: str) -> str | None:
    if "daphne" in cmd:
        return "daphne"
    if "celery" in cmd and " beat" in cmd:
        return "celery_beat"
    if "celery" in cmd and " worker" in cmd:
        return "celery_worker"
    if "manage.py serve" in cmd:
        return "serve_supervisor"
    return None


def stack_pids(root_pid: int) -> dict[int, str]:
    out = {}
    for pid in descendants(root_pid):
        role = role_of(cmdline(pid))
        if role:
            out[pid] = role
    return out


def daphne_pid(root_pid: int) -> int | None:
    for pid, role in stack_pids(root_pid).items():
        if role == "daphne":
            return pid
    return None


def pg_cluster_cpu() -> float:
    """CPU seconds of the whole local PostgreSQL cluster: every live `postgres` process, plus what
    the postmaster has reaped from exited children (backends that lived for one connection)."""
    total = 0.0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                head, _, tail = f.read().rpartition(")")
            comm = head.split("(", 1)[1]
            fields = tail.split()
        except (OSError, IndexError):
            continue
        if comm != "postgres":
            continue
        total += (int(fields[11]) + int(fields[12])) / _TICK
        if fields[1] == "1" or not _is_postgres(int(fields[1])):  # the postmaster: add reaped children
            total += (int(fields[13]) + int(fields[14])) / _TICK
    return total


def _is_postgres(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip() == "postgres"
    except OSError:
        return False


class CpuMeter:
    """CPU seconds per role between start() and stop(). `postgres_backends` are the live backends
    connected to the stack's database (short-lived ones are missed); `pg_cluster` is the whole
    local PostgreSQL server including exited backends (and other databases' activity)."""

    def __init__(self, root_pid: int, admin_conn: Any, db_name: str) -> None:
        self.root_pid = root_pid
        self.conn = admin_conn
        self.db_name = db_name
        self.before: dict[int, tuple[str, float]] = {}

    def _pids(self) -> dict[int, str]:
        pids = stack_pids(self.root_pid)
        with self.conn.cursor() as cur:
            cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.db_name,))
            for (pid,) in cur.fetchall():
                pids[pid] = "postgres_backends"
        return pids

    def snapshot(self) -> dict[int, tuple[str, float]]:
        snap = {pid: (role, cpu_seconds(pid)) for pid, role in self._pids().items()}
        snap[-1] = ("pg_cluster", pg_cluster_cpu())
        return snap

    def start(self) -> None:
        self.before = self.snapshot()

    def stop(self, wall_seconds: float) -> dict[str, Any]:
        after = self.snapshot()
        per_role: dict[str, float] = {}
        for pid, (role, cpu) in after.items():
            base = self.before.get(pid, (role, 0.0))[1]  # a process born in the window counts from 0
            per_role[role] = per_role.get(role, 0.0) + max(0.0, cpu - base)
        return {
            role: {"cpu_s": round(cpu, 2), "cores": round(cpu / wall_seconds, 2) if wall_seconds else None}
            for role, cpu in sorted(per_role.items())
        }
