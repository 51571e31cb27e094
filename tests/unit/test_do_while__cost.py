"""A loop of system tasks runs to its end inside one decision, without recursion, and an
iteration costs the same however many came before it.

test-harness #23 (500 INLINE iterations complete without stack overflow and the counter ends at
500). Cost is measured as history lookups and open tasks per decide, never as wall time.
"""

from __future__ import annotations

import inspect
import sys

from .harness import Execution, simple, workflow
from .test_do_while__iterations import inline, loop


def counter_loop(n: int) -> dict:
    return workflow(
        simple("first"),
        loop("loop", [
            inline("inc", "($.prev || 0) + 1", prev="${inc.output.result}"),
            inline("echo", "$.v", v="${inc.output.result}"),
        ], f"$.loop['iteration'] < {n}"),
        simple("after", inputParameters={"count": "${inc.output.result}", "iterations": "${loop.output.iteration}"}),
    )


def test_500_inline_iterations_finish_in_one_decide_without_growing_the_stack() -> None:
    ex = Execution(counter_loop(500))
    # Any per-iteration recursion would need hundreds of frames more than this.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 150)
    try:
        ex.complete("first")
    finally:
        sys.setrecursionlimit(limit)
    assert dict(ex.task("after").input) == {"count": 500, "iterations": 500}
    assert ex.task("echo__500").output == {"result": 500}
    assert len(ex.outcomes) == 2 and len(ex.last.created) == 1 + 2 * 500 + 1  # loop, body, after
    assert ex.statuses()["loop"] == "COMPLETED"


def test_history_lookups_do_not_grow_with_the_number_of_iterations() -> None:
    lookups = {}
    for n in (20, 200):
        ex = Execution(counter_loop(n))
        ex.complete("first")
        assert ex.task("after").input["count"] == n
        lookups[n] = ex.lookups[-1]
    # Rows of an iteration begun in this decide are all in memory: no per-iteration reads.
    assert lookups[20] == lookups[200] <= 3


def test_worker_bodied_loop_has_flat_cost_per_decide() -> None:
    n = 150
    doc = workflow(
        loop("loop", [simple("w", inputParameters={"prev": "${w.output.i}"}), inline("x", "$.i", i="${w.output.i}")],
             f"$.loop['iteration'] < {n}"),
    )
    ex = Execution(doc)
    for i in range(1, n + 1):
        assert dict(ex.task(f"w__{i}").input) == {"prev": i - 1 if i > 1 else None}
        ex.complete(f"w__{i}", {"i": i})
    assert ex.status == "COMPLETED" and ex.task("loop").output["iteration"] == n
    per_decide = ex.lookups[2:]
    assert max(per_decide) == min(per_decide) <= 3
    # Each decide is handed the loop task and the body task that just finished, nothing more.
    assert max(ex.open_counts) <= 2
