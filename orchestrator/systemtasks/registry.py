"""The one explicit list of task types Baton runs. Unknown types run as worker (SIMPLE) tasks.

Nothing else names a type by its string: the engine and the services ask a type's flags
(`get(name).is_async`, `names_where(...)`). KAFKA_PUBLISH is not here: Baton has no Kafka
producer, and a definition using it is refused at registration rather than left waiting forever
for a worker that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from orchestrator.engine import tasktype
from orchestrator.engine.tasktype import TaskType

from .async_types import AsyncSystemTask
from .do_while import DoWhile
from .dynamic_fork import Dynamic, ForkJoinDynamic
from .event import Event
from .exclusive_join import ExclusiveJoin
from .fork_join import ForkJoin, Join
from .http_task import Http
from .human import Human
from .inline import Inline, Lambda
from .jq_transform import JqTransform
from .noop import Noop
from .set_variable import SetVariable
from .simple import Simple
from .start_workflow import StartWorkflow
from .sub_workflow import SubWorkflow
from .switch import Decision, Switch
from .terminate import Terminate
from .wait import Wait

_SIMPLE = Simple()

TYPES: dict[str, TaskType] = {
    t.type_name: t
    for t in (
        _SIMPLE,
        Switch(),
        Decision(),
        ForkJoin(),
        Join(),
        Terminate(),
        SetVariable(),
        Inline(),
        Lambda(),
        JqTransform(),
        Noop(),
        DoWhile(),
        ForkJoinDynamic(),
        Dynamic(),
        ExclusiveJoin(),
        Wait(),
        Human(),
        Http(),
        SubWorkflow(),
        StartWorkflow(),
        Event(),
    )
}
TYPES["USER_DEFINED"] = _SIMPLE
# Names a definition may use for a type, besides its own; a task row keeps the name it was given.
ALIASES: dict[str, TaskType] = {alias: t for t in TYPES.values() for alias in t.aliases}


class Registry:
    """`TaskTypes` over `TYPES` and `ALIASES`, handed to the engine in its `Env`."""

    def get(self, type_name: str) -> TaskType:
        return TYPES.get(type_name) or ALIASES.get(type_name) or _SIMPLE

    def known(self, type_name: str) -> bool:
        return type_name in TYPES or type_name in ALIASES

    def names(self) -> Sequence[str]:
        return (*TYPES, *ALIASES)


REGISTRY = Registry()


def get(type_name: str) -> TaskType:
    return REGISTRY.get(type_name)


def is_worker_type(type_name: str) -> bool:
    return get(type_name).is_worker


def names_where(flag: Callable[[TaskType], bool]) -> list[str]:
    """Every type name (aliases included) whose type has `flag`: for queries over task rows."""
    return [name for name in REGISTRY.names() if flag(get(name))]


def side_effect(type_name: str) -> AsyncSystemTask | None:
    """The type of that name if it has an `execute` half (run by services.system_tasks)."""
    handler = get(type_name)
    return handler if isinstance(handler, AsyncSystemTask) else None


def is_async(t: TaskType) -> bool:
    return t.is_async


def starts_child(t: TaskType) -> bool:
    return t.starts_child_workflow


def wire_task_type(task_type: str, def_name: str) -> str:
    """Conductor's runtime `taskType` of a task row (see `tasktype.wire_task_type`)."""
    return tasktype.wire_task_type(REGISTRY, task_type, def_name)
