"""Concurrent deciders, duplicate results and competing pollers on real PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

pytestmark = pytest.mark.integration

DOC = {"name": "it_conc", "version": 1, "tasks": [
    {"name": "it_conc_a", "taskReferenceName": "a"}, {"name": "it_conc_b", "taskReferenceName": "b"}]}


def _duplicates(stack) -> int:  # type: ignore[no-untyped-def]
    with psycopg.connect(stack.env["DATABASE_URL"]) as conn:
        row = conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM executions_task GROUP BY workflow_id, ref, iteration, retry_count"
            " HAVING count(*) > 1) d"
        ).fetchone()
    return int(row[0])


def test_ten_identical_results_at_once_cause_one_transition(pg_stack, api):  # type: ignore[no-untyped-def]
    api.post("/metadata/workflow", params={"overwrite": "true"}, json=DOC)
    wf_id = api.post("/workflow", json={"name": "it_conc"}).text
    a = api.get("/tasks/poll/batch/it_conc_a", params={"count": 1, "timeout": 1000}).json()[0]
    body = {"taskId": a["taskId"], "status": "COMPLETED", "outputData": {"n": 1}}
    headers = dict(api.headers)

    def post(_: int) -> int:
        import httpx

        return httpx.post(pg_stack.url + "/api/tasks", json=body, headers=headers, timeout=30).status_code

    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(post, range(10)))
    assert statuses == [200] * 10
    wf = api.get(f"/workflow/{wf_id}").json()
    assert [t["referenceTaskName"] for t in wf["tasks"]] == ["a", "b"]
    assert _duplicates(pg_stack) == 0


def test_twenty_concurrent_decides_schedule_nothing_twice(pg_stack, api):  # type: ignore[no-untyped-def]
    api.post("/metadata/workflow", params={"overwrite": "true"}, json=DOC)
    wf_id = api.post("/workflow", json={"name": "it_conc"}).text
    headers = dict(api.headers)

    def decide(_: int) -> int:
        import httpx

        return httpx.put(pg_stack.url + f"/api/workflow/decide/{wf_id}", headers=headers, timeout=30).status_code

    with ThreadPoolExecutor(20) as pool:
        assert set(pool.map(decide, range(20))) == {204}
    wf = api.get(f"/workflow/{wf_id}").json()
    assert [t["referenceTaskName"] for t in wf["tasks"]] == ["a"]
    assert _duplicates(pg_stack) == 0


def test_competing_pollers_receive_each_task_exactly_once(pg_stack, api):  # type: ignore[no-untyped-def]
    doc = {"name": "it_fan", "version": 1, "tasks": [
        {"name": "fork", "taskReferenceName": "fork", "type": "FORK_JOIN",
         "forkTasks": [[{"name": "it_fan_t", "taskReferenceName": f"t{i}"}] for i in range(40)]},
        {"name": "join", "taskReferenceName": "join", "type": "JOIN", "joinOn": [f"t{i}" for i in range(40)]}]}
    api.post("/metadata/workflow", params={"overwrite": "true"}, json=doc)
    ids = [api.post("/workflow", json={"name": "it_fan"}).text for _ in range(5)]
    headers = dict(api.headers)

    def worker(n: int) -> list[str]:
        import httpx

        got: list[str] = []
        with httpx.Client(base_url=pg_stack.url + "/api", headers=headers, timeout=30) as c:
            while True:
                batch = c.get("/tasks/poll/batch/it_fan_t", params={"workerid": f"w{n}", "count": 7, "timeout": 300}).json()
                if not batch:
                    return got
                for task in batch:
                    got.append(task["taskId"])
                    c.post("/tasks", json={"taskId": task["taskId"], "status": "COMPLETED"})

    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(worker, range(10)))
    delivered = [t for r in results for t in r]
    assert len(delivered) == 200 and len(set(delivered)) == 200
    for wf_id in ids:
        assert api.get(f"/workflow/{wf_id}/status").json()["status"] == "COMPLETED"
