"""The /api/human/ list and detail with many open human tasks (issue 9's figure).

Starts N workflows (through the service, as users would) whose HUMAN task is open to a group,
half of them 2-of-3 approvals with one vote already recorded, then times, in process through
Django's test client with a group member's session: the claimable list, the "mine" list, and one
task's detail; prints p50/p95 of `--reps` requests and the number of SQL queries of each.

    .venv/bin/python -m bench.human_api               # 1,000 open tasks
    .venv/bin/python -m bench.human_api --tasks 300

Needs PostgreSQL on 127.0.0.1:5432 like the tests (BATON_TEST_PG); uses a scratch database.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from bench.scratch import on_scratch_db, setup_django


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=10)
    args = parser.parse_args()
    return on_scratch_db("baton_bench_human", lambda url: _run(url, args.tasks, args.reps))


def _run(url: str, tasks: int, reps: int) -> int:
    setup_django(url)
    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from executions.models import Task
    from orchestrator.humantasks import service
    from orchestrator.services import definitions, workflows

    finance = Group.objects.create(name="finance")
    ann, bob = (User.objects.create_user(n, password="pw") for n in ("ann", "bob"))
    ann.groups.add(finance)
    bob.groups.add(finance)
    for name, extra in (("bench_single", {}), ("bench_2of3", {"approvals": {"required": 2}})):
        definitions.save_workflow_def({"name": name, "version": 1, "tasks": [
            {"name": "approve", "taskReferenceName": "approve", "type": "HUMAN",
             "inputParameters": {"groups": ["finance"], **extra}}]}, overwrite=True)
    started = time.monotonic()
    ids = [workflows.start(workflows.StartRequest(name="bench_2of3" if i % 2 else "bench_single", input={},
                                                  created_by="req")) for i in range(tasks)]
    service.sync()
    voted = [Task.objects.get(workflow_id=w, ref="approve").id for w in ids[1:200:2]]
    for tid in voted:  # one approval recorded on the first 100 2-of-3 tasks
        service.claim(tid, bob)
        service.decide(tid, bob, approve=True)
    for tid in [Task.objects.get(workflow_id=w, ref="approve").id for w in ids[200:220]]:
        service.claim(tid, ann)  # "mine" holds 20
    print(f"seeded {tasks:,} open human tasks in {time.monotonic() - started:.0f} s", file=sys.stderr)
    client = Client()
    client.force_login(ann)
    cases = {
        "list, claimable": "/api/human/tasks?scope=claimable",
        "list, claimable, sorted by created": "/api/human/tasks?scope=claimable&sort=created",
        "list, mine": "/api/human/tasks?scope=mine",
        "detail (2-of-3, one vote)": f"/api/human/tasks/{voted[0]}",
    }
    print(f"{'case':40} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'hits':>6}")
    for label, path in cases.items():
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.content[:300]
        with CaptureQueriesContext(connection) as queries:
            body = client.get(path).json()
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        hits = body.get("totalHits", 1)
        print(f"{label:40} {statistics.median(times):8.1f} {p95:8.1f} {len(queries):8d} {hits:6}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
