"""The inbox list, its counts and the escalation sweep on a big PostgreSQL database (issue 9).

Seeds a scratch database (created and dropped) with OPEN pending HUMAN tasks (one per running
execution, groups g0..g9, due times, priorities 0..10, a one-step escalation) and HISTORY finished
executions whose HUMAN task was decided (their inbox rows APPROVED), in SQL; then times, in
process through Django's test client with a user of group g1 (a tenth of the open tasks):

- the first syncs that create the inbox rows (500 per call, as every inbox read and sweep runs);
- a sync with nothing new (incremental: HUMAN tasks changed since the last read) and a full pass
  (a process's first sync, then one every syncing.FULL_EVERY seconds);
- /inbox/ under each tab, with each filter and sort, and /inbox/counts/;
- a sweep with nothing due, and one that applies the due steps (one runtime command each);
and prints p50/p95 of REPS requests each.

    .venv/bin/python -m bench.inbox                      # 5,000 open, 100,000 decided
    .venv/bin/python -m bench.inbox --open 1000 --history 10000
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from bench.scratch import on_scratch_db, setup_django

SEED_SQL = """
INSERT INTO executions_definitionsnapshot (digest, name, version, definition, created)
VALUES ('bench', 'bench_approve', 1, '{"name": "bench_approve", "version": 1, "tasks": [
  {"name": "approve", "taskReferenceName": "approve", "type": "HUMAN"}]}', now());
INSERT INTO executions_workflow (id, name, version, snapshot_id, status, input, output, variables, correlation_id,
  reason, priority, task_to_domain, failed_refs, failed_task_names, created_by, create_time, update_time, end_time, seq)
SELECT 'wf-' || lpad(i::text, 8, '0'), (ARRAY['bench_approve', 'bench_expense'])[1 + i % 2], 1, 'bench',
       CASE WHEN i <= %(open)s THEN 'RUNNING' ELSE 'COMPLETED' END, '{}'::jsonb, '{}'::jsonb, '{}'::jsonb,
       'corr-' || i, NULL, 0, '{}'::jsonb, '[]'::jsonb, '[]'::jsonb, 'req',
       now() - ((i %% 7200) || ' seconds')::interval, now(), CASE WHEN i > %(open)s THEN now() END, 1
FROM generate_series(1, %(open)s + %(history)s) AS i;
INSERT INTO executions_task (id, workflow_id, ref, node_ref, task_type, def_name, queue, status, seq, retry_count,
  iteration, input, output, priority, scheduled_time, start_time, end_time, update_time, callback_after_seconds,
  start_delay_seconds, response_timeout_seconds, poll_count, worker_id, retried, processed, open)
SELECT 'tk-' || i, 'wf-' || lpad(i::text, 8, '0'), 'approve', 'approve', 'HUMAN', 'approve', 'approve',
       CASE WHEN i <= %(open)s THEN 'IN_PROGRESS' ELSE 'COMPLETED' END, 1, 0, 0,
       jsonb_build_object('groups', jsonb_build_array('g' || (i %% 10)), 'priority', i %% 11,
                          'dueIn', 600 + (i %% 5) * 1800,
                          'escalation', jsonb_build_array(jsonb_build_object('after', 3600,
                                                          'groups', jsonb_build_array('g' || ((i + 1) %% 10))))),
       '{}'::jsonb, 0, now() - ((i %% 7200) || ' seconds')::interval, now(), NULL,
       now() - interval '1 hour' - ((i %% 7200) || ' seconds')::interval, 0, 0, 0, 0, '', false,
       true, i <= %(open)s
FROM generate_series(1, %(open)s + %(history)s) AS i;
INSERT INTO humantasks_humantask (task_id, workflow_id, workflow_name, ref, status, candidate_users, candidate_groups,
  open_to_all, form, four_eyes, reason_required, priority, created, correlation_id, due_at, escalation,
  escalation_level, escalated_at, next_escalation_at, decided_at, reason, data, voters)
SELECT 'tk-' || i, 'wf-' || lpad(i::text, 8, '0'), 'bench_approve', 'approve', 'APPROVED', '[]',
       jsonb_build_array('g' || (i %% 10)), false, '{}', false, true, 5, now() - interval '1 day', 'corr-' || i,
       now() - interval '20 hours', '{}', 0, NULL, NULL, now() - interval '21 hours', '', '{}', '[]'
FROM generate_series(%(open)s + 1, %(open)s + %(history)s) AS i;
ANALYZE;
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, default=5_000)
    parser.add_argument("--history", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()
    return on_scratch_db("baton_bench_inbox", lambda url: _run(url, args.open, args.history, args.reps))


def _timed(fn: object, reps: int) -> tuple[float, float]:
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(round(0.95 * len(times))) - 1)]


def _run(url: str, n_open: int, history: int, reps: int) -> int:
    setup_django(url)
    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.test import Client

    from executions.models import Task
    from orchestrator.humantasks import service, sweep
    from orchestrator.humantasks.models import HumanTask

    started = time.monotonic()
    with connection.cursor() as cur:
        cur.execute(SEED_SQL.replace("%%", "%").replace("%(open)s", str(n_open)).replace("%(history)s", str(history)))
    print(f"seeded {n_open:,} open HUMAN tasks and {history:,} decided in {time.monotonic() - started:.0f} s",
          file=sys.stderr)
    t0, calls = time.perf_counter(), 0
    while HumanTask.objects.filter(status__in=service.OPEN_STATES).count() < n_open:
        service.sync()
        calls += 1
    print(f"first syncs: {calls} calls, {(time.perf_counter() - t0) * 1000 / max(calls, 1):.0f} ms each (500 rows)")
    p50, p95 = _timed(service.sync, reps)
    print(f"sync, nothing new (incremental): p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    if hasattr(service, "syncing"):  # the full pass (a process's first sync, then every FULL_EVERY seconds)
        def full_pass() -> None:
            service.syncing.MARK.reset()
            service.sync()

        p50, p95 = _timed(full_pass, reps)
        print(f"sync, full pass: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    if os.environ.get("BENCH_EXPLAIN"):  # the plans of the incremental read and of the full pass
        from orchestrator.humantasks import syncing

        print(Task.objects.filter(task_type="HUMAN", update_time__gte=syncing.MARK.since).explain(analyze=True))
        from django.db.models import Exists, OuterRef

        fresh = Task.objects.filter(task_type="HUMAN", status="IN_PROGRESS").filter(
            ~Exists(HumanTask.objects.filter(task_id=OuterRef("id"))))
        print(fresh.explain(analyze=True))
        pending = Task.objects.filter(id=OuterRef("task_id"), task_type="HUMAN", status="IN_PROGRESS")
        print(HumanTask.objects.filter(status__in=service.OPEN_STATES).filter(~Exists(pending)).explain(analyze=True))
    user = User.objects.create_user("ann", password="pw")
    user.groups.add(Group.objects.create(name="g1"))
    client = Client()
    client.force_login(user)
    p50, p95 = _timed(lambda: service.inbox(user), reps)
    print(f"service.inbox (sync + the three lists): p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    cases = {
        "claimable": "/inbox/?tab=claimable",
        "claimable, overdue": "/inbox/?tab=claimable&overdue=1",
        "claimable, priority>=8": "/inbox/?tab=claimable&priority=8",
        "claimable, correlation id": f"/inbox/?tab=claimable&correlationId=corr-{n_open // 2 + 1}",
        "claimable, workflow + sort=due": "/inbox/?tab=claimable&workflow=bench_expense&sort=due",
        "mine": "/inbox/?tab=mine",
        "done": "/inbox/?tab=done",
        "counts": "/inbox/counts/",
    }
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        client.get("/inbox/?tab=claimable")
        cProfile.runctx("client.get('/inbox/?tab=claimable')", globals(), {"client": client}, "/tmp/inbox.prof")
        pstats.Stats("/tmp/inbox.prof").sort_stats("tottime").print_stats(22)
    print(f"{'case':34} {'p50 ms':>8} {'p95 ms':>8}  rows")
    for label, path in cases.items():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        p50, p95 = _timed(lambda path=path: client.get(path), reps)
        rows = response.content.decode().count("data-task=")
        print(f"{label:34} {p50:8.1f} {p95:8.1f}  {rows}")
    from datetime import timedelta

    from django.utils import timezone

    p50, p95 = _timed(lambda: sweep.sweep(timezone.now() - timedelta(days=1)), reps)
    print(f"{'sweep, nothing due (sync + query)':34} {p50:8.1f} {p95:8.1f}")
    due = HumanTask.objects.filter(status__in=service.OPEN_STATES, next_escalation_at__lte=timezone.now())
    n_due = due.count()
    t0 = time.perf_counter()
    applied = sweep.sweep(batch=200)
    ms = (time.perf_counter() - t0) * 1000
    print(f"sweep applying {applied} of {n_due} due steps: {ms:.0f} ms ({ms / max(applied, 1):.1f} ms per step)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
