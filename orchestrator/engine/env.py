"""`Env`: everything one evaluation reads besides the definition and the state, in one value.

Time and identity are arguments (STYLE.md §3.3); so are the history outside the open tasks, the
task definitions, the task types, the script sandbox and the JSON Schema registry. The engine imports none of their
implementations: the services build an Env with `orchestrator.wiring.engine_env(...)`, tests with
their own history and counter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from .model import TaskDefinition, TaskHistory
from .schemas import NO_SCHEMAS, SchemaCheck
from .scripts import Scripts
from .tasktype import TaskTypes


@dataclass(frozen=True)
class Env:
    now: datetime
    new_id: Callable[[], str]  # a fresh task id per call (tests pass a counter)
    history: TaskHistory  # tasks outside the open set (the store answers from the database)
    task_defs: Callable[[str], TaskDefinition | None]  # the registered TaskDef of a name, if any
    types: TaskTypes
    scripts: Scripts
    schemas: SchemaCheck = NO_SCHEMAS  # the JSON Schema registry an enforced TaskDef's schemas come from
