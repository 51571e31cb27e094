"""The mini-diagram of a task page: the workflow's top-level steps, each with its status, and the
one that holds this human task marked "you are here".

Only names, types and statuses: no step's input or output is read or shown, so an approver sees
where the run is without seeing the execution. `steps` is pure (definition + statuses in, a list
out); `load` reads the two things it needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from executions.models import Task

NOT_REACHED = "NOT_REACHED"


@dataclass(frozen=True)
class Step:
    ref: str
    name: str
    task_type: str
    status: str  # the latest execution of the step, or NOT_REACHED
    here: bool  # this step is (or holds) the human task of the page
    inner: int  # how many tasks a container (fork, switch, loop) holds


def _nested(node: Any) -> Iterable[Mapping[str, Any]]:
    """Every task definition below `node` (fork branches, switch cases, loop bodies...)."""
    stack = [v for v in node.values() if isinstance(v, list | dict)] if isinstance(node, dict) else []
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("taskReferenceName"), str):
                yield item
            stack.extend(v for v in item.values() if isinstance(v, list | dict))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, list | dict))


def steps(definition: Mapping[str, Any], statuses: Mapping[str, str], here_ref: str) -> list[Step]:
    """The top-level tasks of `definition`; `statuses` maps a taskReferenceName to the status of
    its latest execution; `here_ref` is the human task's taskReferenceName."""
    out = []
    for node in definition.get("tasks") or ():
        if not isinstance(node, dict):
            continue
        ref = str(node.get("taskReferenceName") or "")
        inner = list(_nested(node))
        here = ref == here_ref or any(n.get("taskReferenceName") == here_ref for n in inner)
        out.append(Step(ref, str(node.get("name") or ref), str(node.get("type") or "SIMPLE"),
                        statuses.get(ref, NOT_REACHED), here, len(inner)))
    return out


def load(workflow_id: str, definition: Mapping[str, Any], here_ref: str) -> list[Step]:
    """The steps of a run: one query over its tasks' (ref, status), latest execution last."""
    tops = [n.get("taskReferenceName") for n in definition.get("tasks") or () if isinstance(n, dict)]
    rows = (Task.objects.filter(workflow_id=workflow_id, ref__in=tops)
            .order_by("seq").values_list("ref", "status"))
    return steps(definition, dict(rows), here_ref)
