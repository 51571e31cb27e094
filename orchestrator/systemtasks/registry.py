"""The one explicit list of task types Baton runs. Unknown types run as worker (SIMPLE) tasks."""

from __future__ import annotations

from .async_types import Event, Http, StartWorkflow, SubWorkflow
from .base import TaskType
from .do_while import DoWhile
from .dynamic_fork import Dynamic, ForkJoinDynamic
from .exclusive_join import ExclusiveJoin
from .fork_join import ForkJoin, Join
from .human import Human
from .inline import Inline, Lambda
from .jq_transform import JqTransform
from .noop import Noop
from .set_variable import SetVariable
from .simple import Simple
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


def get(type_name: str) -> TaskType:
    return TYPES.get(type_name, _SIMPLE)


def is_worker_type(type_name: str) -> bool:
    return get(type_name).is_worker
