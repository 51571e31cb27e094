"""Admin for execution state: read-only views, and actions that go through the services.

Nothing here writes execution state with the ORM: terminate, pause and resume call
`orchestrator.services.workflows`, which lock the workflow, decide and record events exactly
as the API does. Rows cannot be added, edited or deleted from the admin.

Tables here grow large, so the changelists avoid full counts and joins, defer JSON columns and
link to filtered lists (a workflow's tasks, a task's logs) instead of inlining them.

One module per admin, each registering its model; they are imported here by name, so what the
admin shows is listed in one place. Shared columns, links and filters live in `common` and `filters`.
"""

from __future__ import annotations

from . import events, snapshots, tasks, workflows

__all__ = ["events", "snapshots", "tasks", "workflows"]
