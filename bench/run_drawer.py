"""The run page's task drawer and its incremental log refresh on a big PostgreSQL database.

Seeds the same scratch database as bench/run_list.py (N executions of 10 tasks, plus one
execution whose task t0 ran 1,000 times with a log line each), then times through Django's test
client with a staff session, in process:

- the drawer fragment of one task of a 10-task run, and of the 1,000-attempt task (its newest
  attempt, and its first one chosen);
- the run page with that drawer open (?task=t0), and its live partial (no log lines any more);
- the log refresh: the lines after the last one seen (none new), and after line 900 (100 new),
  beside the whole 1,000-line log the live refresh used to re-render;

and prints p50/p95 of `--reps` requests each.

    .venv/bin/python -m bench.run_drawer                 # 100,000 executions, ~1,000,000 tasks
    .venv/bin/python -m bench.run_drawer --runs 20000    # quicker
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.run_list import seed_runs
from bench.scratch import on_scratch_db, setup_django, staff_client


def _run(url: str, runs: int, reps: int) -> int:
    setup_django(url)

    from executions.models import TaskLog

    seed_runs(runs)
    client = staff_client()
    logs = list(TaskLog.objects.filter(task_id__startswith="tk-big-").order_by("id").values_list("id", flat=True))
    some = f"wf-{runs // 2:08d}"
    cases = {
        "drawer, task of a 10-task run": f"/executions/{some}/tasks/t3",
        "drawer, 1,000-attempt task": "/executions/wf-big/tasks/t0",
        "drawer, its first attempt": "/executions/wf-big/tasks/t0?attempt=tk-big-1",
        "run page + drawer (?task=t0)": "/executions/wf-big?task=t0",
        "run page live partial": "/executions/wf-big?partial=live",
        "log refresh, nothing new": f"/executions/wf-big?partial=logs&after={logs[-1]}",
        "log refresh, 100 new lines": f"/executions/wf-big?partial=logs&after={logs[899]}",
        "log refresh, all 1,000 (old way)": "/executions/wf-big?partial=logs",
    }
    print(f"{'case':34} {'p50 ms':>8} {'p95 ms':>8}  bytes")
    for label, path in cases.items():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
        print(f"{label:34} {statistics.median(times):8.1f} {p95:8.1f}  {len(response.content)}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()
    return on_scratch_db("baton_bench_drawer", lambda url: _run(url, args.runs, args.reps))


if __name__ == "__main__":
    raise SystemExit(main())
