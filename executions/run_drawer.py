"""The run page's task drawer (server-rendered, the page's only one): one definition task of an
execution, its attempts, the chosen attempt's details (reason, ids, worker, polls, times, input,
output and its log lines), the chosen attempt as the API returns it, its definition (the run's
snapshot entry and the TaskDef if one is registered), its human notes, and the actions its status
allows.

The drawer is keyed by the definition's taskReferenceName (what the diagram and the task table
name); loop iterations (`ref__N`) are attempts of that ref. A fork's branch (not in the
definition) is found by its own ref, with ?attempt=<its task id>.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from orchestrator.models import TaskDef
from orchestrator.services import shapes
from orchestrator.services.runtime import BY_HAND_TYPES

from . import store
from .human_notes import HumanNote, notes_for_tasks
from .models import Task, TaskLog, Workflow

TERMINAL = ("COMPLETED", "FAILED", "TIMED_OUT", "TERMINATED")


def pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


@dataclass
class Drawer:
    ref: str
    in_definition: bool
    attempts: list[Task]
    task: Task | None
    shown: list[Task] = field(default_factory=list)  # the attempts listed (the newest, and the chosen)
    task_json: str = ""
    node_json: str = ""
    taskdef_json: str = ""
    notes: list[HumanNote] = field(default_factory=list)
    input_json: str = ""
    output_json: str = ""
    logs: list[tuple[TaskLog, Task]] = field(default_factory=list)  # the chosen attempt's (as _run_log_lines wants)
    logs_capped: bool = False
    actions: tuple[str, ...] = ()
    # what the forms show: the task's input for a rerun, or what was posted (with its error)
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    open_action: str = ""  # the form to show open (the one whose error is shown)


# A loop's task can have thousands of iterations: the drawer lists the newest ones (and the chosen).
ATTEMPTS_SHOWN = 50
# The Details tab shows one attempt's first lines; the page's log viewer (and its download) has all.
LOG_LINES_SHOWN = 500


def attempts_of(workflow_id: str, ref: str) -> list[Task]:
    """Every attempt (retry, iteration) of `ref`, oldest first, without their input and output."""
    return list(Task.objects.filter(workflow_id=workflow_id, node_ref=ref).order_by("seq").only(
        "id", "workflow_id", "ref", "node_ref", "task_type", "status", "retry_count", "iteration", "seq"))


def logs_of(task: Task) -> tuple[list[tuple[TaskLog, Task]], bool]:
    """The attempt's log lines, oldest first, and whether there were more than shown. One indexed
    read on (task_id, id): the run's other tasks are not loaded (a 1,000-task run stays cheap)."""
    lines = list(TaskLog.objects.filter(task_id=task.id).order_by("id")[:LOG_LINES_SHOWN + 1])
    return [(line, task) for line in lines[:LOG_LINES_SHOWN]], len(lines) > LOG_LINES_SHOWN


def actions_for(row: Workflow, in_definition: bool, attempts: list[Task], task: Task | None) -> tuple[str, ...]:
    """What the services would accept for this task now (they check again when asked)."""
    out: list[str] = []
    if task is not None and task.status == "IN_PROGRESS" and task.task_type in BY_HAND_TYPES \
            and row.status in ("RUNNING", "PAUSED"):
        out += ["complete", "fail"]
    if task is not None and row.status in TERMINAL:
        out.append("rerun")
    if not attempts and in_definition and row.status == "RUNNING":
        out.append("skip")  # Conductor skips a task before it is scheduled, never after
    return tuple(out)


def build(row: Workflow, ref: str, attempt: str = "") -> Drawer | None:
    """The drawer for `ref` (None when the run has no such task); `attempt` picks a task id."""
    defn = store.definition_of(row)
    in_definition = defn.has(ref)
    attempts = attempts_of(row.id, ref)
    if not attempts and not in_definition:
        return None
    picked = next((t for t in attempts if t.id == attempt), attempts[-1] if attempts else None)
    task = Task.objects.filter(pk=picked.id).first() if picked is not None else None  # the whole row
    shown = attempts[-ATTEMPTS_SHOWN:]
    if picked is not None and picked not in shown:
        shown = [picked, *shown]
    drawer = Drawer(ref=ref, in_definition=in_definition, attempts=attempts, task=task, shown=shown,
                    actions=actions_for(row, in_definition, attempts, task))
    if task is not None:
        drawer.task_json = pretty(shapes.task_json(task, row))
        drawer.values = {"task_input": pretty(task.input or {}), "output": "{}"}
        drawer.input_json, drawer.output_json = pretty(task.input or {}), pretty(task.output or {})
        drawer.logs, drawer.logs_capped = logs_of(task)
    if in_definition:
        node = defn.node(ref)
        drawer.node_json = pretty(node.raw)
        registered = TaskDef.objects.filter(name=node.name).values_list("definition", flat=True).first()
        if registered is not None:
            drawer.taskdef_json = pretty(registered)
    drawer.notes = notes_for_tasks(row.id, [t.id for t in attempts])
    return drawer
