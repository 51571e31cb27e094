"""The human task page on a big PostgreSQL database (issue 9's task page figures).

Seeds a scratch database (created and dropped) with N executions of 10 tasks each, one in ten
waiting in a HUMAN task (so the inbox holds N/10 open tasks), plus one execution whose HUMAN task
follows a 1,000-iteration loop and carries 200 comments; then times, through Django's test client
in process (view, queries, template), that task's page (context summary + mini-diagram +
comments), its signed link's confirm page, a comment POST, and a task page of an ordinary run.

    .venv/bin/python -m bench.task_page                 # 100,000 executions, ~1,000,000 tasks
    .venv/bin/python -m bench.task_page --runs 20000    # quicker
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from bench.scratch import on_scratch_db, setup_django

DEFINITION = """{"name": "bench_expense", "version": 1, "tasks": [
  {"name": "prep", "taskReferenceName": "prep", "type": "SIMPLE"},
  {"name": "loop", "taskReferenceName": "loop", "type": "DO_WHILE", "loopCondition": "false",
   "loopOver": [{"name": "t", "taskReferenceName": "t0", "type": "SIMPLE"}]},
  {"name": "approve", "taskReferenceName": "approve", "type": "HUMAN"},
  {"name": "s3", "taskReferenceName": "s3", "type": "SIMPLE"},
  {"name": "s4", "taskReferenceName": "s4", "type": "SIMPLE"},
  {"name": "s5", "taskReferenceName": "s5", "type": "SIMPLE"},
  {"name": "s6", "taskReferenceName": "s6", "type": "SIMPLE"},
  {"name": "s7", "taskReferenceName": "s7", "type": "SIMPLE"},
  {"name": "s8", "taskReferenceName": "s8", "type": "SIMPLE"},
  {"name": "s9", "taskReferenceName": "s9", "type": "SIMPLE"}]}"""
HUMAN_INPUT = """'{"contextParameters": {"Amount": 1250, "Employee": "Kim", "Lines": [{"item": "train", "eur": 1250}]},
  "form": {"schema": {"type": "object", "properties": {"note": {"type": "string"}}}}}'::jsonb"""
TASK_COLUMNS = """(id, workflow_id, ref, node_ref, task_type, def_name, queue, status, seq, retry_count,
  iteration, input, output, priority, scheduled_time, start_time, end_time, update_time, callback_after_seconds,
  start_delay_seconds, response_timeout_seconds, poll_count, worker_id, retried, processed, open)"""
SEED_SQL = f"""
INSERT INTO executions_definitionsnapshot (digest, name, version, definition, created)
VALUES ('bench', 'bench_expense', 1, '{DEFINITION}', now());
INSERT INTO executions_workflow (id, name, version, snapshot_id, status, input, output, variables, correlation_id,
  reason, priority, task_to_domain, failed_refs, failed_task_names, created_by, create_time, update_time, seq)
SELECT 'wf-' || lpad(i::text, 8, '0'), 'bench_expense', 1, 'bench',
       CASE WHEN i % 10 = 0 THEN 'RUNNING' ELSE 'COMPLETED' END,
       jsonb_build_object('amount', i % 1000), '{{}}', '{{}}', 'corr-' || i, NULL, 0, '{{}}', '[]', '[]', 'req',
       now() - (i || ' seconds')::interval, now(), 10
FROM generate_series(1, %(runs)s) AS i;
INSERT INTO executions_task {TASK_COLUMNS}
SELECT 'tk-' || w || '-' || s, 'wf-' || lpad(w::text, 8, '0'),
       (ARRAY['prep', 'loop', 'approve', 's3', 's4', 's5', 's6', 's7', 's8', 's9'])[s],
       (ARRAY['prep', 'loop', 'approve', 's3', 's4', 's5', 's6', 's7', 's8', 's9'])[s],
       CASE WHEN s = 3 THEN 'HUMAN' WHEN s = 2 THEN 'DO_WHILE' ELSE 'SIMPLE' END, 't', 't',
       CASE WHEN w % 10 = 0 AND s = 3 THEN 'IN_PROGRESS' WHEN w % 10 = 0 AND s > 3 THEN 'SCHEDULED'
            ELSE 'COMPLETED' END,
       s, 0, 0, CASE WHEN s = 3 THEN {HUMAN_INPUT} ELSE '{{}}'::jsonb END, '{{}}', 0, now(), now(), now(), now(),
       0, 0, 3600, 1, 'bench-worker', false, true, w % 10 = 0 AND s = 3
FROM generate_series(1, %(runs)s) AS w, generate_series(1, 10) AS s
WHERE w % 10 <> 0 OR s <= 3;
INSERT INTO executions_workflow (id, name, version, snapshot_id, status, input, output, variables, reason, priority,
  task_to_domain, failed_refs, failed_task_names, created_by, create_time, update_time, seq)
VALUES ('wf-big', 'bench_expense', 1, 'bench', 'RUNNING', '{{"big": true}}', '{{}}', '{{}}', NULL, 0, '{{}}',
        '[]', '[]', 'req', now(), now(), 1003);
INSERT INTO executions_task {TASK_COLUMNS}
SELECT 'tk-big-' || s, 'wf-big', CASE WHEN s = 0 THEN 'prep' WHEN s = 1001 THEN 'loop' ELSE 't0__' || s END,
       CASE WHEN s = 0 THEN 'prep' WHEN s = 1001 THEN 'loop' ELSE 't0' END,
       CASE WHEN s = 1001 THEN 'DO_WHILE' ELSE 'SIMPLE' END, 't', 't', 'COMPLETED', s, 0, s, '{{"n": 1}}', '{{}}', 0,
       now(), now(), now(), now(), 0, 0, 3600, 1, 'bench-worker', false, true, false
FROM generate_series(0, 1001) AS s;
INSERT INTO executions_task {TASK_COLUMNS}
VALUES ('tk-big-human', 'wf-big', 'approve', 'approve', 'HUMAN', 'approve', 'approve', 'IN_PROGRESS', 1002, 0, 0,
        {HUMAN_INPUT}, '{{}}', 0, now(), now(), NULL, now(), 0, 0, 3600, 0, NULL, false, false, true);
ANALYZE;
"""


class QueryTimer(list[tuple[float, str]]):
    """An execute wrapper that keeps (ms, sql) of each query."""

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.append(((time.perf_counter() - t0) * 1000, sql))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--verbose", action="store_true", help="print each case's three slowest queries")
    args = parser.parse_args()
    return on_scratch_db("baton_bench_taskpage", lambda url: _run(url, args.runs, args.reps, args.verbose))


def _run(url: str, runs: int, reps: int, verbose: bool) -> int:
    setup_django(url)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from orchestrator.humantasks import links, service
    from orchestrator.humantasks.models import HumanComment, HumanTask

    started = time.monotonic()
    with connection.cursor() as cur:
        cur.execute(SEED_SQL.replace("%(runs)s", str(int(runs))))
    while HumanTask.objects.count() < runs // 10 + 1:  # the inbox rows (sync adds 500 a call)
        service.sync()
    user = get_user_model().objects.create_superuser("bench", "b@example.com", "pw-bench-12345")
    HumanComment.objects.bulk_create(HumanComment(task_id="tk-big-human", author=user, author_name="bench",
                                                  text=f"comment {i}", created=timezone.now()) for i in range(200))
    print(f"seeded {runs:,} executions, {HumanTask.objects.count():,} open human tasks in "
          f"{time.monotonic() - started:.0f} s", file=sys.stderr)
    client = Client()
    client.force_login(user)
    cases = {
        "task page, after a 1,000-iteration loop, 200 comments": ("GET", "/inbox/tk-big-human/"),
        "task page, an ordinary run": ("GET", f"/inbox/tk-{runs // 2 // 10 * 10}-3/"),
        "signed link confirm page": ("GET", links.signed_link("tk-big-human", user, "approve")),
        "comment POST (+ runtime note)": ("POST", "/inbox/tk-big-human/comment/"),
    }
    print(f"{'case':54} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}  (their time, first request)")
    for label, (method, path) in cases.items():
        def call(method: str = method, path: str = path) -> int:
            response = client.post(path, {"text": "ok"}) if method == "POST" else client.get(path)
            return int(response.status_code)

        queries = QueryTimer()
        with connection.execute_wrapper(queries):
            status = call()
        assert status in (200, 302), (path, status)
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            call()
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
        print(f"{label:54} {statistics.median(times):8.1f} {p95:8.1f} {len(queries):8d}"
              f"  (queries {sum(q[0] for q in queries):.1f} ms)")
        if verbose:
            for ms, sql in sorted(queries, reverse=True)[:3]:
                print(f"    {ms:7.1f} ms  {sql[:150]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
