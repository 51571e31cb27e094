"""The only ORM boundary for execution rows: the mapping between rows and engine values, and
the named reads services use.

- `mapping`: rows ⇄ `TaskState`/`WorkflowState`, derived from the dataclass fields.
- `definitions`: definition snapshots and TaskDefs as the engine sees them.
- `reads`: the decider's working set (`load_state`), `History`, and named lookups.
- `search`: Conductor's search query tree compiled to querysets.
- `writes`, `claims`: every write. Only `orchestrator.services.runtime` imports them (an
  import-linter contract), so a state change cannot bypass the runtime. They are not
  re-exported here for that reason.
"""

from __future__ import annotations

from .definitions import Startable, TaskDefs, definition_of, forget_task_defs, snapshot_for, startable
from .mapping import (
    STATE_COLUMNS,
    TASK_DEF_FIELDS,
    lease_deadline,
    row_values,
    task_def_defaults,
    task_definition,
    to_state,
)
from .reads import (
    History,
    any_task_ended,
    due_for_decision,
    failed_child_of,
    in_progress_tasks,
    load_state,
    lost_system_tasks,
    newest_task_id,
    newest_with_idempotency_key,
    parent_workflow_id,
    queue_sizes,
    running_in_queue,
    started_in_queue_since,
    task,
    task_brief,
    task_exists,
    task_logs,
    task_refs_of,
    task_running_child,
    task_state,
    task_states_of,
    tasks_of,
    unannounced_children,
    workflow,
    workflow_exists,
    workflow_status,
)

__all__ = [
    "STATE_COLUMNS", "TASK_DEF_FIELDS", "History", "TaskDefs", "definition_of", "due_for_decision",
    "failed_child_of", "forget_task_defs", "lease_deadline", "load_state", "lost_system_tasks", "newest_task_id",
    "newest_with_idempotency_key", "queue_sizes", "row_values", "running_in_queue", "snapshot_for", "Startable",
    "startable",
    "started_in_queue_since", "task", "task_def_defaults", "task_definition", "task_exists", "task_logs",
    "task_refs_of", "task_running_child", "task_state", "task_states_of", "tasks_of", "to_state",
    "unannounced_children", "any_task_ended", "in_progress_tasks", "parent_workflow_id", "task_brief",
    "workflow", "workflow_exists", "workflow_status",
]
