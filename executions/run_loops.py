"""The run page's view of an execution with loops and dynamic forks.

- `collapsed_run`: the execution as GET /api/workflow/{id} shapes it, minus the dynamic forks'
  branches, plus each fork's tallies (`forks`). The island and the run stream's snapshot use it,
  so a 10,000-branch fork costs one GROUP BY, not 10,000 task rows on every update.
- `iteration_picks`: the DO_WHILE iterations chosen in the URL (`?iter.<loop ref>=N`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orchestrator.engine.timing import to_ms
from orchestrator.services import shapes
from orchestrator.systemtasks.registry import wire_task_type

from . import store
from .store import loops

ITER_PREFIX = "iter."


class BadParam(ValueError):
    """A query parameter the page cannot use; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def collapsed_run(workflow_id: str) -> dict[str, Any] | None:
    row = store.workflow(workflow_id)
    if row is None:
        return None
    forks = loops.fork_refs(row.snapshot.definition)
    body = shapes.workflow_json(row, loops.tasks_without_branches(workflow_id, forks))
    body["forks"] = loops.fork_tallies(workflow_id, forks)
    return body


def iteration_picks(query: Mapping[str, str]) -> dict[str, int]:
    """loop ref → the iteration chosen for it; a value that is not a whole number ≥ 1 is refused."""
    picks: dict[str, int] = {}
    for key, value in query.items():
        if not key.startswith(ITER_PREFIX) or len(key) == len(ITER_PREFIX):
            continue
        if not value.isdigit() or int(value) < 1 or len(value) > 9:
            raise BadParam(key, f"an iteration is a whole number from 1, not {value[:40]!r}")
        picks[key[len(ITER_PREFIX):]] = int(value)
    return picks


def branch_json(row: dict[str, Any]) -> dict[str, Any]:
    return {"taskId": row["id"], "referenceTaskName": row["ref"], "taskDefName": row["def_name"],
            "taskType": wire_task_type(row["task_type"], row["def_name"]), "status": row["status"],
            "seq": row["seq"], "retryCount": row["retry_count"], "workerId": row["worker_id"],
            "startTime": to_ms(row["start_time"]), "endTime": to_ms(row["end_time"]),
            "reasonForIncompletion": row["reason"], "group": loops.bucket(row["status"])}
