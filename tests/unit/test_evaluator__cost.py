"""Each decision costs the same however long the history: the evaluator sees only open tasks
and looks up older ones by ref, a bounded number of times per decision.

Measured deterministically (history lookups and open tasks per decide), never by wall time.
"""

from __future__ import annotations

from .harness import Execution, fork, join, simple, workflow

N = 1000


def long_chain(n: int) -> dict:
    tasks = [simple("t0", "step", inputParameters={"x": "${workflow.input.x}"})]
    for i in range(1, n):
        tasks.append(simple(f"t{i}", "step", inputParameters={
            "prev": f"${{t{i - 1}.output.v}}",  # the task that just finished: in the open set
            "first": "${t0.output.v}",  # an old task: read from history every time
            "id": "${CPEWF_TASK_ID}",
        }))
    return workflow(*tasks, outputParameters={"last": f"${{t{n - 1}.output.v}}"})


def test_sequential_workflow_of_1000_tasks_has_flat_cost_per_decide() -> None:
    ex = Execution(long_chain(N), {"x": 1}, {"step": {"name": "step", "retryCount": 0}})
    for i in range(N):
        ex.complete(f"t{i}", {"v": i})
    assert ex.status == "COMPLETED" and dict(ex.wf.output) == {"last": N - 1}
    assert len(ex.tasks) == N
    per_decide = ex.lookups[1:]  # the start decide has nothing in history yet
    assert len(per_decide) == N
    # Every later decide does the same, constant amount of history work ...
    assert max(per_decide[1:-1]) == min(per_decide[1:-1]) <= 3
    assert sum(per_decide) <= 3 * N
    # ... and is handed only the task that just finished.
    assert max(ex.open_counts) == 1
    assert all(len(o.created) <= 1 for o in ex.outcomes)


def test_late_tasks_still_see_the_first_tasks_output() -> None:
    ex = Execution(long_chain(50), {"x": 1})
    for i in range(49):
        ex.complete(f"t{i}", {"v": i * 10})
    t49 = ex.task("t49")
    assert dict(t49.input) == {"prev": 480, "first": 0, "id": t49.task_id}


def test_wide_fork_join_checks_cost_one_batched_lookup_per_decide() -> None:
    width = 200
    branches = [[simple(f"b{i}")] for i in range(width)]
    doc = workflow(fork("f", *branches), join("j", *[f"b{i}" for i in range(width)]), simple("after"))
    ex = Execution(doc)
    for i in range(width):
        ex.complete(f"b{i}", {"i": i})
    assert ex.statuses()["j"] == "COMPLETED" and ex.scheduled() == ["after"]
    assert len(ex.task("j").output) == width
    assert max(ex.lookups[1:]) <= 2


def test_repeated_idle_decides_look_nothing_up_beyond_pending_joins() -> None:
    ex = Execution(long_chain(20))
    for i in range(10):
        ex.complete(f"t{i}", {"v": i})
    before = len(ex.lookups)
    for _ in range(5):
        assert ex.decide().is_empty
    assert ex.lookups[before:] == [0] * 5
