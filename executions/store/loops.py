"""Reads for the run page's loops and dynamic forks, sized for forks of thousands of branches.

A dynamic fork's branches are rows with `dynamic_parent` = the fork's ref. The run page never
loads them all: it reads the other tasks (`tasks_without_branches`), one GROUP BY for every
fork's tallies (`fork_tallies`), and branches a page at a time, keyset-paged by `seq`
(`branch_page`). All three ride `task_fork_child_idx` (workflow, dynamic_parent, iteration,
status; retried = false) or the workflow's own index.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from orchestrator.engine.status import TaskStatus

from ..models import Task

FORK_TYPE = "FORK_JOIN_DYNAMIC"
# The three buckets of a tally, as the diagram and the table show them.
BAD = frozenset({TaskStatus.FAILED, TaskStatus.FAILED_WITH_TERMINAL_ERROR, TaskStatus.TIMED_OUT, TaskStatus.CANCELED})
OK = frozenset({TaskStatus.COMPLETED, TaskStatus.COMPLETED_WITH_ERRORS, TaskStatus.SKIPPED})
GROUPS = ("success", "pending", "failed")
PAGE_SIZE = 50


def bucket(status: str) -> str:
    if status in OK:
        return "success"
    return "failed" if status in BAD else "pending"


def statuses_of(group: str) -> list[str]:
    """The task statuses one tally bucket stands for (`group` is one of GROUPS)."""
    return sorted(s.value for s in TaskStatus if bucket(s.value) == group)


def _walk(tasks: list[Any]) -> Iterator[dict[str, Any]]:
    for task in tasks or []:
        if not isinstance(task, dict):
            continue
        yield task
        for key in ("loopOver", "defaultCase"):
            yield from _walk(task.get(key) or [])
        for branch in task.get("forkTasks") or []:
            yield from _walk(branch)
        for case in (task.get("decisionCases") or {}).values():
            yield from _walk(case)


def fork_refs(definition: dict[str, Any]) -> list[str]:
    """The refs of the definition's FORK_JOIN_DYNAMIC tasks, at any depth."""
    return [str(t.get("taskReferenceName")) for t in _walk(definition.get("tasks") or []) if t.get("type") == FORK_TYPE]


def tasks_without_branches(workflow_id: str, forks: list[str]) -> list[Task]:
    """Every task of the execution except the dynamic forks' branches, in seq order."""
    rows = Task.objects.filter(workflow_id=workflow_id)
    if forks:
        rows = rows.exclude(dynamic_parent__in=forks)
    return list(rows.order_by("seq"))


def fork_tallies(workflow_id: str, forks: list[str]) -> dict[str, dict[str, dict[str, int]]]:
    """fork ref → iteration (as text, for JSON) → success/pending/failed/total, by one GROUP BY.

    Only each branch's newest attempt counts (retried = false): a branch retried twice is one
    branch, in the bucket of its last attempt.
    """
    out: dict[str, dict[str, dict[str, int]]] = {}
    if not forks:
        return out
    groups = (Task.objects.filter(workflow_id=workflow_id, dynamic_parent__in=forks, retried=False)
              .values_list("dynamic_parent", "iteration", "status").annotate(n=Count("id")).order_by())
    for parent, iteration, status, n in groups:
        tally = out.setdefault(str(parent), {}).setdefault(str(iteration), dict.fromkeys((*GROUPS, "total"), 0))
        tally[bucket(status)] += n
        tally["total"] += n
    return out


@dataclass(frozen=True)
class BranchPage:
    branches: list[dict[str, Any]]
    next_after: int | None  # the `after` of the next page; None on the last one


BRANCH_COLUMNS = ("id", "ref", "def_name", "task_type", "status", "seq", "retry_count", "worker_id",
                  "start_time", "end_time", "reason")


def branch_page(workflow_id: str, fork: str, iteration: int, after: int = 0, group: str | None = None,
                size: int = PAGE_SIZE) -> BranchPage:
    """One page of a fork's branches (newest attempt of each) with seq > `after`, in seq order.

    Keyset paging: the cost of page 200 is the cost of page 1, unlike OFFSET.
    """
    rows = Task.objects.filter(workflow_id=workflow_id, dynamic_parent=fork, iteration=iteration, retried=False,
                               seq__gt=after)
    if group:
        rows = rows.filter(status__in=statuses_of(group))
    found = list(rows.order_by("seq").values(*BRANCH_COLUMNS)[: size + 1])
    more = len(found) > size
    found = found[:size]
    return BranchPage(found, found[-1]["seq"] if more else None)
