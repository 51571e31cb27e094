"""Run list and run page on a big PostgreSQL database (issue 8's figures).

Seeds a scratch database (created and dropped) with N executions of 10 tasks each plus one
1,000-task execution, in SQL (generate_series), then times the pages through Django's test client
with a staff session, in process (no HTTP server: the view, the queries and the template):

- the run list filtered by status + name + time range, by an input value, by an id prefix,
  by a tag, by a failed task's ref and reason, by a task queue, and unfiltered; then its second
  page (keyset);
- the run page of the 1,000-task execution (server HTML; the diagram island loads after), with a
  log search, and its logs.txt download;
- the overview (/) over each window, and its live partial;
and prints p50/p95 of 20 requests each, with EXPLAIN's top plan node for each list query.

    .venv/bin/python -m bench.run_list                 # 100,000 executions, ~1,000,000 tasks
    .venv/bin/python -m bench.run_list --runs 20000    # quicker

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) like the tests (BATON_TEST_PG).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from bench.scratch import on_scratch_db, setup_django, staff_client

SEED_SQL = """
INSERT INTO executions_definitionsnapshot (digest, name, version, definition, created)
VALUES ('bench', 'bench_orders', 1, '{"name": "bench_orders", "version": 1, "tasks": [
  {"name": "t", "taskReferenceName": "t0", "type": "SIMPLE"}]}', now());
INSERT INTO executions_workflow (id, name, version, snapshot_id, status, input, output, variables, correlation_id,
  reason, priority, task_to_domain, failed_refs, failed_task_names, created_by, create_time, update_time, end_time, seq)
SELECT 'wf-' || lpad(i::text, 8, '0'),
       (ARRAY['bench_orders', 'bench_refunds', 'bench_ship', 'bench_mail'])[1 + i % 4], 1 + i % 3, 'bench',
       (ARRAY['COMPLETED', 'COMPLETED', 'COMPLETED', 'FAILED', 'RUNNING', 'TERMINATED'])[1 + i % 6],
       jsonb_build_object('orderId', 'O-' || i, 'amount', i % 1000, 'customer', jsonb_build_object('tier', 'gold')),
       '{}'::jsonb, '{}'::jsonb, 'corr-' || i,
       CASE WHEN i % 6 = 3 THEN 'task t3 failed: card declined' END, 0, '{}'::jsonb, '[]'::jsonb, '[]'::jsonb, '',
       now() - (i || ' seconds')::interval, now() - (i || ' seconds')::interval + interval '2 seconds',
       CASE WHEN i % 6 <> 4 THEN now() - (i || ' seconds')::interval + interval '2 seconds' END, 10
FROM generate_series(1, %(runs)s) AS i;
-- Each FAILED run's task t3 failed ("gateway timeout" in 1 of 100, else "card declined"); each
-- RUNNING run's last task waits in the bench_ship queue.
INSERT INTO executions_task (id, workflow_id, ref, node_ref, task_type, def_name, queue, status, seq, retry_count,
  iteration, input, output, priority, scheduled_time, start_time, end_time, update_time, callback_after_seconds,
  start_delay_seconds, response_timeout_seconds, poll_count, worker_id, retried, processed, open, reason)
SELECT 'tk-' || w || '-' || s, 'wf-' || lpad(w::text, 8, '0'), 't' || s, 't' || s, 'SIMPLE', 't',
       CASE WHEN w % 6 = 4 AND s = 10 THEN 'bench_ship' ELSE 't' END,
       CASE WHEN w % 6 = 3 AND s = 3 THEN 'FAILED' WHEN w % 6 = 4 AND s = 10 THEN 'SCHEDULED' ELSE 'COMPLETED' END,
       s, 0, 0, jsonb_build_object('n', s), jsonb_build_object('ok', true), 0, now(), now(), now(), now(),
       0, 0, 3600, 1, 'bench-worker', false, true, false,
       CASE WHEN w % 6 = 3 AND s = 3 THEN (CASE WHEN w % 600 = 3 THEN 'gateway timeout' ELSE 'card declined' END) END
FROM generate_series(1, %(runs)s) AS w, generate_series(1, 10) AS s;
-- Tags on two of the four workflow names (a tag belongs to the name, every version).
INSERT INTO orchestrator_definitiontag (target, name, key, value, type) VALUES
  ('workflow', 'bench_refunds', 'team', '"payments"', 'METADATA'),
  ('workflow', 'bench_mail', 'team', '"growth"', 'METADATA'),
  ('workflow', 'bench_mail', 'tier', '1', 'METADATA');
INSERT INTO executions_workflow (id, name, version, snapshot_id, status, input, output, variables, reason, priority,
  task_to_domain, failed_refs, failed_task_names, created_by, create_time, update_time, seq)
VALUES ('wf-big', 'bench_orders', 1, 'bench', 'RUNNING', '{"big": true}', '{}', '{}', NULL, 0, '{}', '[]', '[]', '',
        now(), now(), 1000);
INSERT INTO executions_task (id, workflow_id, ref, node_ref, task_type, def_name, queue, status, seq, retry_count,
  iteration, input, output, priority, scheduled_time, start_time, end_time, update_time, callback_after_seconds,
  start_delay_seconds, response_timeout_seconds, poll_count, worker_id, retried, processed, open)
SELECT 'tk-big-' || s, 'wf-big', 't0__' || s, 't0', 'SIMPLE', 't', 't', 'COMPLETED', s, 0, s, '{}', '{}', 0,
       now(), now(), now(), now(), 0, 0, 3600, 1, 'bench-worker', false, true, false
FROM generate_series(1, 1000) AS s;
INSERT INTO executions_tasklog (task_id, log, created_time)
SELECT 'tk-big-' || s, 'line ' || s, now() FROM generate_series(1, 1000) AS s;
ANALYZE;
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()
    return on_scratch_db("baton_bench_runlist", lambda url: _run(url, args.runs, args.reps))


def seed_runs(runs: int) -> None:
    """`runs` executions of 10 tasks each plus the 1,000-task one (SEED_SQL), in the scratch database."""
    from django.db import connection

    started = time.monotonic()
    with connection.cursor() as cur:
        cur.execute(SEED_SQL.replace("%(runs)s", str(int(runs))))
    print(f"seeded {runs:,} executions, {runs * 10 + 1000:,} tasks in {time.monotonic() - started:.0f} s",
          file=sys.stderr)


def _run(url: str, runs: int, reps: int) -> int:
    setup_django(url)

    seed_runs(runs)
    client = staff_client()
    an_hour = time.strftime("%Y-%m-%dT%H:%M", time.gmtime(time.time() - 3600))
    cases = {
        "list, unfiltered": "/executions/",
        "list, status+name+time range": f"/executions/?status=FAILED&name=bench_refunds&from={an_hour}",
        "list, input value": f"/executions/?input=orderId=O-{runs // 2}",
        "list, id prefix": "/executions/?id=wf-0000123",
        "list, free text": "/executions/?q=O-4242&size=25",
        "list, tag": "/executions/?tag=team:payments",
        "list, tag + status": "/executions/?tag=team:payments&status=FAILED",
        "list, two tags (rare: none match)": "/executions/?tag=team:payments&tag=tier:1",
        "list, failed task ref": "/executions/?failed_ref=t3",
        "list, failure reason (1 in 600)": "/executions/?reason=gateway",
        "list, failed ref + reason": "/executions/?failed_ref=t3&reason=gateway",
        "list, task queue": "/executions/?queue=bench_ship",
        "list, task queue (empty queue)": "/executions/?queue=nobody",
        "run page, 1,000 tasks": "/executions/wf-big",
        "run page, log search": "/executions/wf-big?q=line+99",
        "logs.txt, 1,000 lines": "/executions/wf-big/logs.txt",
        "overview, last hour": "/?window=1h",
        "overview, last 24 h": "/?window=24h",
        "overview, last 7 d (every run)": "/?window=7d",
        "overview, live partial (24 h)": "/?window=24h&partial=parts",
    }
    first = client.get("/executions/?status=COMPLETED").content.decode()
    cursor = first.split('id="next-page"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    cases["list, page 2 (keyset)"] = "/executions/" + cursor
    print(f"{'case':34} {'p50 ms':>8} {'p95 ms':>8}  rows")
    for label, path in cases.items():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        rows = response.content.decode().count("<tr data-id=")
        p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
        print(f"{label:34} {statistics.median(times):8.1f} {p95:8.1f}  {rows}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
