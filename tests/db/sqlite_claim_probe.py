"""Run by test_claims__sqlite.py in a subprocess whose settings are the embedded default
(SQLite, migrated): claims on a real SQLite database, reported as JSON on stdout."""

from __future__ import annotations

import json
import os
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orchestrator.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from executions import events  # noqa: E402
from executions.models import ExecutionEvent, Task  # noqa: E402
from executions.store import mapping  # noqa: E402
from orchestrator.services import definitions, tasks, workflows  # noqa: E402

DOC = {"name": "sq_claim", "version": 1, "tasks": [{"name": "sq_t", "taskReferenceName": "a"}]}


def main() -> None:
    assert connection.vendor == "sqlite"
    definitions.save_workflow_def(DOC, overwrite=True)
    started = {p: workflows.start(workflows.StartRequest(name="sq_claim", priority=p, input={"p": p}))
               for p in (1, 5, 3)}
    in_domain = workflows.start(workflows.StartRequest(name="sq_claim", priority=9, task_to_domain={"sq_t": "blue"}))
    with CaptureQueriesContext(connection) as ctx:
        first = tasks.claim("sq_t", "w-1", 2)
    statements = [q["sql"] for q in ctx.captured_queries
                  if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT"))]
    rest = tasks.claim("sq_t", "w-2", 5)
    blue = tasks.claim("sq_t", "w-3", 5, domain="blue")
    again = tasks.claim("sq_t", "w-4", 5)
    rows: list[dict[str, Any]] = []
    report: dict[str, Any] = {
        "statements": statements,
        "first": [t.workflow_id for t in first], "rest": [t.workflow_id for t in rest],
        "blue": [t.workflow_id for t in blue], "again": len(again),
        "started": {str(p): w for p, w in started.items()}, "in_domain": in_domain,
        "rows": rows, "workflow_attached": all(t.workflow.id == t.workflow_id for t in first + rest),
    }
    for claimed in first + rest + blue:
        row = Task.objects.get(pk=claimed.id)
        evs = list(ExecutionEvent.objects.filter(task_id=row.id).order_by("id"))
        assert row.lease_deadline is not None and row.start_time is not None
        rows.append({
            "status": row.status, "worker": row.worker_id, "poll_count": row.poll_count,
            "lease_minus_start_s": (row.lease_deadline - row.start_time).total_seconds(),
            "update_is_start": row.update_time == row.start_time,
            "returned_matches_row": mapping.to_state(claimed) == mapping.to_state(row),
            "event_statuses": [e.payload["status"] for e in evs],
            "event_is_claim_event": evs[-1].payload == json.loads(json.dumps(
                events.claim_event(row.workflow_id, mapping.to_state(row), evs[-1].created).payload)),
            "event_created_is_start": evs[-1].created == row.start_time,
        })
    print(json.dumps(report))


if __name__ == "__main__":
    main()
