"""The contract every task type implements: the pure half of a task type.

A type decides what its input is when scheduled (`build_input`), what happens right after it is
scheduled (`start`: sync types finish here), how a pending task is re-checked on each evaluation
(`check`), and what follows it when it succeeds (`successors`). Side-effect halves, where a type
has one, live in `execute()` functions that run only in Celery.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from orchestrator.engine.definition import Next, Node
from orchestrator.engine.model import TaskState

if TYPE_CHECKING:
    from orchestrator.engine.run import Run


class TaskType:
    type_name: ClassVar[str] = ""
    # Polled and completed by external workers (SIMPLE and friends).
    is_worker: ClassVar[bool] = False
    # Control-flow operators (SWITCH, FORK, JOIN, DO_WHILE, ...) are never retried, as in
    # Conductor; other system tasks retry when a TaskDef of their name asks for it.
    retriable: ClassVar[bool] = False
    # Run by a Celery worker after the decision commits (HTTP, SUB_WORKFLOW, ...).
    is_async: ClassVar[bool] = False

    def build_input(self, run: Run, node: Node, task: TaskState) -> dict[str, Any]:
        params = run.resolve_map(node.input_parameters, task_id=task.task_id)
        tdef = run.task_def(node.name) if self.is_worker else None
        if tdef is not None and tdef.input_template:
            for key, value in tdef.input_template.items():
                if params.get(key) is None:
                    params[key] = value
        return params

    def add_input(self, params: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
        """The input of a task a dynamic fork started: its resolved input plus the fork's entry."""
        return {**params, **extra}

    def start(self, run: Run, task: TaskState, node: Node) -> TaskState:
        return task

    def check(self, run: Run, task: TaskState, node: Node) -> TaskState:
        return task

    def successors(self, run: Run, task: TaskState, node: Node) -> list[Next]:
        return [run.next_after(task)]

    def on_body_end(self, run: Run, task: TaskState, node: Node) -> None:
        """Only loops have a body; see DO_WHILE."""

    def terminal_node(self, run: Run, task: TaskState, node: Node) -> Node | None:
        """For a container that finished before its children (SWITCH), the node whose end is its
        end; a JOIN waiting on the container waits for that node instead. None: the task itself."""
        return None


def case_string(value: Any) -> str:
    """Conductor compares case keys as Java's String.valueOf of the evaluated value."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"
    return str(value)
