"""The overview's reads (/): counts by status over a window, recent failures, running runs, queues.

Each is one statement on the primary database, served by an index: status counts and failures by
wf_status_created_idx / wf_created_idx (the window bounds create_time), running runs by the
status index, queue depths by the partial poll index (SCHEDULED only) and task_queue_status_idx.
Poll data is not here: it lives in the cache (orchestrator.services.tasks.poll_data).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count

from orchestrator.models import TaskDef

from ..models import Task, Workflow

FAILED = ("FAILED", "TIMED_OUT")
ROW_COLUMNS = ("id", "name", "version", "status", "create_time", "update_time", "end_time", "reason", "failed_refs")
# Registered task definitions shown as queues even when empty (a worker may be polling them).
MAX_QUEUES = 200


@dataclass(frozen=True)
class Queue:
    name: str
    scheduled: int
    in_progress: int


def counts_by_status(since: datetime) -> dict[str, int]:
    """Executions created since `since`, counted per status."""
    rows = Workflow.objects.filter(create_time__gte=since).values_list("status").annotate(n=Count("id")).order_by()
    return {status: n for status, n in rows}


def recent_failures(since: datetime, limit: int = 10) -> list[Workflow]:
    return list(Workflow.objects.filter(status__in=FAILED, create_time__gte=since)
                .only(*ROW_COLUMNS).order_by("-create_time", "-id")[:limit])


def running(limit: int = 10) -> tuple[int, list[Workflow]]:
    """How many executions run now (whatever the window), and the newest `limit` of them."""
    rows = Workflow.objects.filter(status="RUNNING")
    return rows.count(), list(rows.only(*ROW_COLUMNS).order_by("-create_time", "-id")[:limit])


def queues() -> list[Queue]:
    """Worker queues with their SCHEDULED (waiting for a poll) and IN_PROGRESS task counts.

    A queue is listed if it has pending tasks or a registered task definition of that name, so a
    queue whose workers keep it empty still shows who polls it.
    """
    counts: dict[str, dict[str, int]] = {}
    pending = (Task.objects.filter(queue__isnull=False, status__in=("SCHEDULED", "IN_PROGRESS"))
               .values_list("queue", "status").annotate(n=Count("id")).order_by())
    for queue, status, n in pending:
        counts.setdefault(queue or "", {})[status] = n
    for name in TaskDef.objects.order_by("name").values_list("name", flat=True)[:MAX_QUEUES]:
        counts.setdefault(name, {})
    return [Queue(name, c.get("SCHEDULED", 0), c.get("IN_PROGRESS", 0))
            for name, c in sorted(counts.items(), key=lambda kv: (-kv[1].get("SCHEDULED", 0), kv[0]))]
