"""The run page with a big loop and big dynamic forks (issue 8): what the page and its island cost.

Seeds a scratch PostgreSQL database (created and dropped) in SQL: background executions (10 tasks
each), one 1,000-task execution (a DO_WHILE of 1,000 iterations) and dynamic forks of 1,000 and
10,000 branches, then times in process, through Django's test client with a staff session:

- the run page's HTML;
- the island's data: the run stream's snapshot as it was (every task: the baseline) beside the
  collapsed one the run page now asks for (`?collapse=forks`: branches as tallies), and the
  run.json the island re-reads on each change;
- the branch list: the first page and a page near the end (keyset: the same cost).

    .venv/bin/python -m bench.run_loops                # 20,000 background executions
    .venv/bin/python -m bench.run_loops --runs 100000

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) like the tests (BATON_TEST_PG).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable

from bench.scratch import on_scratch_db, setup_django, timed

DEFS = {
    "bench-loop": {"name": "bench_loop", "version": 1, "tasks": [
        {"name": "loop", "taskReferenceName": "loop", "type": "DO_WHILE", "loopCondition": "true",
         "loopOver": [{"name": "t", "taskReferenceName": "t0", "type": "SIMPLE"}]}]},
    "bench-fan": {"name": "bench_fan", "version": 1, "tasks": [
        {"name": "fan", "taskReferenceName": "fan", "type": "FORK_JOIN_DYNAMIC",
         "inputParameters": {"forkTaskName": "leaf", "forkTaskInputs": "${workflow.input.items}"}},
        {"name": "join", "taskReferenceName": "fan_join", "type": "JOIN"}]},
}

TASK_COLUMNS = """(id, workflow_id, ref, node_ref, task_type, def_name, queue, status, seq, retry_count, iteration,
  input, output, priority, scheduled_time, start_time, end_time, update_time, callback_after_seconds,
  start_delay_seconds, response_timeout_seconds, poll_count, worker_id, retried, processed, open, dynamic_parent)"""
WORKFLOW = """INSERT INTO executions_workflow (id, name, version, snapshot_id, status, input, output, variables, reason,
  priority, task_to_domain, failed_refs, failed_task_names, created_by, create_time, update_time, seq)
VALUES ('{id}', '{name}', 1, '{snap}', 'RUNNING', '{{}}', '{{}}', '{{}}', NULL, 0, '{{}}', '[]', '[]', '',
        now(), now(), {n});
"""

SEED_SQL = """
INSERT INTO executions_workflow (id, name, version, snapshot_id, status, input, output, variables, correlation_id,
  reason, priority, task_to_domain, failed_refs, failed_task_names, created_by, create_time, update_time, seq)
SELECT 'wf-' || i, 'bench_loop', 1, 'bench-loop', 'COMPLETED', '{}', '{}', '{}', 'c-' || i, NULL, 0, '{}', '[]', '[]',
       '', now() - (i || ' s')::interval, now(), 10 FROM generate_series(1, %(runs)s) AS i;
INSERT INTO executions_task """ + TASK_COLUMNS + """
SELECT 'tk-' || w || '-' || s, 'wf-' || w, 't0__' || s, 't0', 'SIMPLE', 't', 't', 'COMPLETED', s, 0, s, '{}', '{}', 0,
       now(), now(), now(), now(), 0, 0, 3600, 1, 'bench-worker', false, true, false, NULL
FROM generate_series(1, %(runs)s) AS w, generate_series(1, 10) AS s;
-- the 1,000-task execution: a loop in its 1,000th iteration
INSERT INTO executions_task """ + TASK_COLUMNS + """
SELECT 'tk-loop-' || s, 'wf-loop', CASE WHEN s = 0 THEN 'loop' ELSE 't0__' || s END,
       CASE WHEN s = 0 THEN 'loop' ELSE 't0' END, CASE WHEN s = 0 THEN 'DO_WHILE' ELSE 'SIMPLE' END, 't', 't',
       CASE WHEN s IN (0, 999) THEN 'IN_PROGRESS' ELSE 'COMPLETED' END,
       s, 0, CASE WHEN s = 0 THEN 999 ELSE s END, '{}', '{"n": 1}', 0, now(), now(), now(), now(), 0, 0, 3600, 1,
       'bench-worker', false, true, s = 999, NULL
FROM generate_series(0, 999) AS s;
"""

FAN_SQL = """
INSERT INTO executions_task """ + TASK_COLUMNS + """
VALUES ('tk-{id}-fan', '{id}', 'fan', 'fan', 'FORK_JOIN_DYNAMIC', 'fan', NULL, 'COMPLETED', 1, 0, 0,
        (SELECT jsonb_build_object('forkedTasks', jsonb_agg('_leaf_' || i)) FROM generate_series(0, {n} - 1) AS i),
        '{{}}', 0, now(), now(), now(), now(), 0, 0, 3600, 0, NULL, false, true, false, NULL),
       ('tk-{id}-join', '{id}', 'fan_join', 'fan_join', 'JOIN', 'join', NULL, 'IN_PROGRESS', {n} + 2, 0, 0, '{{}}',
        '{{}}', 0, now(), now(), NULL, now(), 0, 0, 3600, 0, NULL, false, false, true, NULL);
INSERT INTO executions_task """ + TASK_COLUMNS + """
SELECT 'tk-{id}-' || i, '{id}', '_leaf_' || i, '_leaf_' || i, 'SIMPLE', 'leaf', 'leaf',
       (ARRAY['COMPLETED', 'COMPLETED', 'IN_PROGRESS', 'SCHEDULED', 'FAILED'])[1 + i % 5], i + 2, 0, 0,
       jsonb_build_object('__index', i), '{{"ok": true}}', 0, now(), now(), now(), now(), 0, 0, 3600, 1, 'bench-worker',
       false, i % 5 < 2, i % 5 >= 2, 'fan'
FROM generate_series(0, {n} - 1) AS i;
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20_000)
    parser.add_argument("--reps", type=int, default=15)
    args = parser.parse_args()
    return on_scratch_db("baton_bench_runloops", lambda url: _run(url, args.runs, args.reps))


def _seed(runs: int) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        for digest, doc in DEFS.items():
            cur.execute("INSERT INTO executions_definitionsnapshot (digest, name, version, definition, created) "
                        "VALUES (%s, %s, 1, %s, now())", [digest, doc["name"], json.dumps(doc)])
        cur.execute(WORKFLOW.format(id="wf-loop", name="bench_loop", snap="bench-loop", n=1000))
        cur.execute(SEED_SQL.replace("%(runs)s", str(int(runs))))
        for n in (1000, 10000):
            cur.execute(WORKFLOW.format(id=f"wf-fan-{n}", name="bench_fan", snap="bench-fan", n=n + 2))
            cur.execute(FAN_SQL.format(id=f"wf-fan-{n}", n=n))
        cur.execute("ANALYZE")


def _run(url: str, runs: int, reps: int) -> int:
    setup_django(url)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from executions.consumers import _snapshot
    from executions.store import runlist

    started = time.monotonic()
    _seed(runs)
    print(f"seeded {runs:,} background executions + a 1,000-task loop + forks of 1,000 and 10,000 branches "
          f"in {time.monotonic() - started:.0f} s", file=sys.stderr)
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("bench", "b@example.com", "pw-bench-12345"))

    def get(path: str) -> Callable[[], object]:
        def fetch() -> object:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return len(response.content)
        return fetch

    def snap(wf: str, collapse: bool) -> Callable[[], object]:
        return lambda: len(json.dumps(_snapshot(wf, collapse)[0]))

    cases: list[tuple[str, Callable[[], object]]] = []
    for wf, what in (("wf-loop", "1,000-task loop"), ("wf-fan-1000", "1,000-branch fork"),
                     ("wf-fan-10000", "10,000-branch fork")):
        cases += [
            (f"{what}: run page HTML", get(f"/executions/{wf}")),
            (f"{what}:   of which the log panel's read", lambda wf=wf: len(runlist.logs_of(wf))),  # type: ignore[misc]
            (f"{what}: snapshot, every task (baseline)", snap(wf, False)),
            (f"{what}: snapshot, collapsed", snap(wf, True)),
            (f"{what}: run.json (each change)", get(f"/executions/{wf}/run.json")),
        ]
        if wf.startswith("wf-fan"):
            last = int(wf.rsplit("-", 1)[1]) - 60
            cases += [(f"{what}: branches, page 1", get(f"/executions/{wf}/branches?fork=fan")),
                      (f"{what}: branches, near the end", get(f"/executions/{wf}/branches?fork=fan&after={last}")),
                      (f"{what}: branches, failed only", get(f"/executions/{wf}/branches?fork=fan&group=failed"))]
    print(f"{'case':52} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>11}")
    for label, fn in cases:
        p50, p95, size = timed(fn, reps)
        print(f"{label:52} {p50:8.1f} {p95:8.1f} {size:>11,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
