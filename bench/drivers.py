"""HTTP drivers against a live Baton stack: the sequential update-v2 worker (P1/P3) and the
batch-polling worker processes (P4). Workers are plain httpx clients with keep-alive."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

SEQ_TASK = "bench_seq"
P4_TASK = "bench_p4_t"
P4_WORKFLOW = "bench_p4"
OUTPUT = {"result": 42}


def seq_workflow_name(n: int) -> str:
    return f"bench_seq_{n}"


def register(api: httpx.Client, seq_sizes: list[int]) -> None:
    taskdefs = [
        {"name": name, "retryCount": 0, "timeoutSeconds": 0, "responseTimeoutSeconds": 600,
         "ownerEmail": "bench@example.com"}
        for name in (SEQ_TASK, P4_TASK)
    ]
    r = api.post("/metadata/taskdefs", json=taskdefs)
    r.raise_for_status()
    for n in seq_sizes:
        doc = {
            "name": seq_workflow_name(n), "version": 1, "schemaVersion": 2, "ownerEmail": "bench@example.com",
            "tasks": [{"name": SEQ_TASK, "taskReferenceName": f"t{i}", "type": "SIMPLE", "inputParameters": {"i": i}}
                      for i in range(n)],
        }
        r = api.post("/metadata/workflow", params={"overwrite": "true"}, json=doc)
        r.raise_for_status()
    doc = {"name": P4_WORKFLOW, "version": 1, "schemaVersion": 2, "ownerEmail": "bench@example.com",
           "tasks": [{"name": P4_TASK, "taskReferenceName": "only", "type": "SIMPLE",
                      "inputParameters": {"k": "${workflow.input.k}"}}]}
    r = api.post("/metadata/workflow", params={"overwrite": "true"}, json=doc)
    r.raise_for_status()


def start(api: httpx.Client, name: str, wf_input: dict[str, Any] | None = None) -> str:
    r = api.post("/workflow", json={"name": name, "input": wf_input or {}})
    r.raise_for_status()
    return r.text


def poll_batch(api: httpx.Client, task_type: str, worker: str, count: int, timeout_ms: int) -> list[dict[str, Any]]:
    r = api.get(f"/tasks/poll/batch/{task_type}", params={"workerid": worker, "count": count, "timeout": timeout_ms})
    r.raise_for_status()
    return r.json() if r.content else []


# -- P1 / P3: one sequential workflow driven through update-v2 ------------------------------------------------


def run_sequential(api: httpx.Client, n: int, worker: str = "bench-seq-worker") -> dict[str, Any]:
    """Start a workflow of n SIMPLE tasks, then: batch poll once, loop on update-v2.

    Each hop is the duration of the update-v2 call that completes task k and returns task k+1
    (n-1 hops per workflow). If update-v2 answers 204 before the end, fall back to a poll and
    count that hop as `fallbacks` (its time includes the poll)."""
    t_start = time.perf_counter()
    wf_id = start(api, seq_workflow_name(n))
    t_started = time.perf_counter()
    task: dict[str, Any] | None = None
    deadline = time.monotonic() + 30
    while task is None and time.monotonic() < deadline:
        got = poll_batch(api, SEQ_TASK, worker, 1, 1000)
        task = got[0] if got else None
    if task is None:
        return {"workflow_id": wf_id, "error": "first task never arrived"}
    t_first = time.perf_counter()
    hops: list[float] = []
    fallbacks = 0
    errors = 0
    completed = 0
    while task is not None:
        body = {"taskId": task["taskId"], "workflowInstanceId": task["workflowInstanceId"], "status": "COMPLETED",
                "outputData": OUTPUT, "workerId": worker}
        t0 = time.perf_counter()
        r = api.post("/tasks/update-v2", json=body)
        if r.status_code == 200 and r.content:
            completed += 1
            task = r.json()
            hops.append(time.perf_counter() - t0)
        elif r.status_code == 204:
            completed += 1
            if completed >= n:
                task = None
                break
            got = poll_batch(api, SEQ_TASK, worker, 1, 2000)
            if not got:
                errors += 1
                break
            fallbacks += 1
            task = got[0]
            hops.append(time.perf_counter() - t0)
        else:
            errors += 1
            break
    t_end = time.perf_counter()
    return {
        "workflow_id": wf_id,
        "tasks": n,
        "completed": completed,
        "hops": hops,
        "fallbacks": fallbacks,
        "errors": errors,
        "start_ms": (t_started - t_start) * 1000,
        "first_poll_ms": (t_first - t_started) * 1000,
        "wall_s": t_end - t_start,
        "loop_s": t_end - t_first,
    }


# -- P4: pre-create one-task workflows, then 2 batch-polling worker processes -------------------------------


def create_many(base_url: str, headers: dict[str, str], n: int, concurrency: int) -> dict[str, Any]:
    """Start n one-task workflows with `concurrency` client threads (one keep-alive client each)."""
    per = [list(range(i, n, concurrency)) for i in range(concurrency)]

    def work(keys: list[int]) -> tuple[list[float], list[str], int]:
        lat, ids, errs = [], [], 0
        with httpx.Client(base_url=base_url, headers=headers, timeout=60) as api:
            for k in keys:
                t0 = time.perf_counter()
                r = api.post("/workflow", json={"name": P4_WORKFLOW, "input": {"k": k}})
                lat.append(time.perf_counter() - t0)
                if r.status_code == 200:
                    ids.append(r.text)
                else:
                    errs += 1
        return lat, ids, errs

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(work, per))
    elapsed = time.perf_counter() - t0
    lat = [x for r in results for x in r[0]]
    return {
        "n": n, "concurrency": concurrency, "seconds": elapsed,
        "ids": [x for r in results for x in r[1]],
        "errors": sum(r[2] for r in results), "latencies": lat,
    }


def p4_worker(base_url: str, headers: dict[str, str], name: str, total: int, done: Any, barrier: Any,
              results: Any, batch: int = 100, poll_timeout_ms: int = 200, max_seconds: float = 240) -> None:
    """One worker process: batch poll `batch`, POST /api/tasks per result, until `done` reaches total."""
    polls = empty = posted = errors = 0
    post_times: list[float] = []
    first_poll = last_done = None
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as api:
        api.get("/tasks/queue/sizes", params={"taskType": P4_TASK})  # open the keep-alive connection
        barrier.wait()
        deadline = time.monotonic() + max_seconds
        while done.value < total and time.monotonic() < deadline:
            t_poll = time.monotonic()
            if first_poll is None:
                first_poll = t_poll
            r = api.get(f"/tasks/poll/batch/{P4_TASK}",
                        params={"workerid": name, "count": batch, "timeout": poll_timeout_ms})
            polls += 1
            if r.status_code != 200:
                errors += 1
                continue
            tasks = r.json() if r.content else []
            if not tasks:
                empty += 1
                continue
            for task in tasks:
                t0 = time.monotonic()
                u = api.post("/tasks", json={"taskId": task["taskId"], "workflowInstanceId": task["workflowInstanceId"],
                                             "status": "COMPLETED", "outputData": OUTPUT, "workerId": name})
                t1 = time.monotonic()
                post_times.append(t1 - t0)
                if u.status_code == 200:
                    posted += 1
                    last_done = t1
                else:
                    errors += 1
            with done.get_lock():
                done.value += len(tasks)
    results.put({"worker": name, "first_poll": first_poll, "last_done": last_done, "polls": polls,
                 "empty_polls": empty, "posted": posted, "errors": errors, "post_times": post_times})


def run_workers(base_url: str, headers: dict[str, str], n: int, workers: int, prefix: str) -> dict[str, Any]:
    """`workers` `p4_worker` processes (spawn) complete n queued tasks, released together by a
    barrier; tasks/s from the first poll to the last result."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    done, barrier, queue = ctx.Value("i", 0), ctx.Barrier(workers + 1), ctx.Queue()
    procs = [ctx.Process(target=p4_worker, args=(base_url, headers, f"{prefix}-{i}", n, done, barrier, queue))
             for i in range(workers)]
    for p in procs:
        p.start()
    barrier.wait()
    outs = [queue.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    first = min(o["first_poll"] for o in outs if o["first_poll"] is not None)
    last = max(o["last_done"] for o in outs if o["last_done"] is not None)
    posted = sum(o["posted"] for o in outs)
    return {"posted": posted, "errors": sum(o["errors"] for o in outs), "seconds": round(last - first, 2),
            "tasks_per_s": round(posted / (last - first), 1) if last > first else None,
            "post_times": [t for o in outs for t in o["post_times"]]}
