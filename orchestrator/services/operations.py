"""Restart, retry, rerun and skip: a pure `engine.operations` planner, run by the runtime under
the workflow lock (`commands.Operate`), which applies the plan and decides."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from executions import store
from orchestrator.engine import operations
from orchestrator.engine.model import TaskState, WorkflowState
from orchestrator.models import WorkflowDef
from orchestrator.schemas import enforce
from orchestrator.systemtasks import registry

from . import runtime
from .commands import Operate, ReopenParentTask
from .errors import NotFound
from .runtime import new_id

if TYPE_CHECKING:
    from executions.models import Workflow

NO_COLUMNS: Mapping[str, Any] = {}


def restart(workflow_id: str, use_latest_definitions: bool = False) -> None:
    def plan(row: Workflow, state: WorkflowState) -> tuple[operations.Plan, Mapping[str, Any]]:
        if row.status == "COMPLETED" and row.snapshot.definition.get("restartable") is False:
            raise operations.OperationRefused(f"Workflow {workflow_id} is not restartable (restartable=false)")
        columns: dict[str, Any] = {}
        if use_latest_definitions:
            latest = WorkflowDef.objects.filter(name=row.name).order_by("-version").first()
            if latest is None:
                raise NotFound(f"No definition of {row.name} is registered any more")
            columns = {"snapshot": store.snapshot_for(latest.definition), "version": latest.version}
            row.snapshot = columns["snapshot"]  # the plan is made against the definition it restarts on
        return operations.restart(store.definition_of(row), state, store.task_states_of(row.id),
                                  timezone.now()), columns

    runtime.execute(Operate(workflow_id, "restart", plan))


def retry(workflow_id: str, resume_subworkflow_tasks: bool = False) -> None:
    """Retry the last failed tasks; with `resume_subworkflow_tasks`, retry the failed child
    workflow in place (recursively) instead of starting a new child."""
    if resume_subworkflow_tasks and store.workflow_status(workflow_id) in ("FAILED", "TIMED_OUT", "TERMINATED"):
        child = store.failed_child_of(workflow_id)
        if child is not None:
            retry(child, True)
            runtime.execute(ReopenParentTask(workflow_id, child))
            return

    def plan(row: Workflow, state: WorkflowState) -> tuple[operations.Plan, Mapping[str, Any]]:
        return operations.retry(store.definition_of(row), state, store.task_states_of(row.id), timezone.now(),
                                new_id, types=registry.REGISTRY), NO_COLUMNS

    runtime.execute(Operate(workflow_id, "retry", plan))


def rerun(workflow_id: str, request: dict[str, Any]) -> str:
    task_id = request.get("reRunFromTaskId")
    workflow_input = request.get("workflowInput")
    correlation_id = request.get("correlationId")

    def plan(row: Workflow, state: WorkflowState) -> tuple[operations.Plan, Mapping[str, Any]]:
        now = timezone.now()
        tasks = store.task_states_of(row.id)
        _check_rerun_input(row, tasks, task_id, request.get("taskInput"), workflow_input)
        if task_id:
            return operations.rerun_from(store.definition_of(row), state, tasks, now, str(task_id),
                                         request.get("taskInput"), workflow_input, correlation_id), NO_COLUMNS
        return operations.restart(store.definition_of(row), state, tasks, now,
                                  workflow_input=workflow_input, correlation_id=correlation_id), NO_COLUMNS

    runtime.execute(Operate(workflow_id, "rerun", plan))
    return workflow_id


def _check_rerun_input(row: Workflow, tasks: list[TaskState], task_id: Any, task_input: Any,
                       workflow_input: Any) -> None:
    """A rerun's new inputs meet the same enforced schemas as a start's and a scheduled task's."""
    if isinstance(workflow_input, dict):
        enforce.check_workflow_input(row.snapshot.definition, workflow_input)
    target = next((t for t in tasks if t.task_id == task_id), None) if task_id else None
    if isinstance(task_input, dict) and task_input and target is not None and registry.get(target.task_type).retriable:
        inline = store.definition_of(row).inline_task_defs.get(target.def_name)
        enforce.check_task_input(inline or store.TaskDefs()(target.def_name), task_input)


def skip_task(
    workflow_id: str, ref: str, task_input: dict[str, Any] | None, task_output: dict[str, Any] | None
) -> None:
    def plan(row: Workflow, state: WorkflowState) -> tuple[operations.Plan, Mapping[str, Any]]:
        return operations.skip(store.definition_of(row), state, store.task_refs_of(row.id), timezone.now(), new_id,
                               ref, task_input, task_output), NO_COLUMNS

    runtime.execute(Operate(workflow_id, "skip", plan))
