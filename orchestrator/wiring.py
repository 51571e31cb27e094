"""The pure engine wired to Baton's task types, script sandbox and schema registry: one `Env` per evaluation.

Example:
    outcome = evaluate(defn, state, engine_env(now, new_id, store.History(row.id), store.TaskDefs()))
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from orchestrator.engine.env import Env
from orchestrator.engine.model import TaskDefinition, TaskHistory
from orchestrator.engine.schemas import SchemaCheck
from orchestrator.engine.scripts import Scripts
from orchestrator.sandbox import SANDBOX
from orchestrator.schemas.registry import SCHEMAS
from orchestrator.systemtasks.registry import REGISTRY


def engine_env(
    now: datetime,
    new_id: Callable[[], str],
    history: TaskHistory,
    task_defs: Callable[[str], TaskDefinition | None],
    scripts: Scripts = SANDBOX,
    schemas: SchemaCheck = SCHEMAS,
) -> Env:
    return Env(now=now, new_id=new_id, history=history, task_defs=task_defs, types=REGISTRY, scripts=scripts,
               schemas=schemas)
