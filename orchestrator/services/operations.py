"""Restart, retry, rerun and skip: plan with the pure engine, apply under the workflow lock, decide."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from executions import events, store
from executions.models import Task, Workflow
from orchestrator.engine import operations
from orchestrator.models import WorkflowDef
from orchestrator.systemtasks import registry

from .errors import Conflict, NotFound
from .runtime import decide_locked, lock_workflow, new_id


def _all_tasks(workflow_id: str) -> list[Any]:
    return [store.to_state(t) for t in Task.objects.filter(workflow_id=workflow_id).order_by("seq")]


def _apply(row: Workflow, plan: operations.Plan, what: str) -> None:
    now = timezone.now()
    if plan.delete:
        Task.objects.filter(pk__in=list(plan.delete)).delete()
    for task in plan.write:
        Task.objects.filter(pk=task.task_id).update(**store.row_values(task))
    if plan.create:
        store.insert_tasks(row, plan.create)
    for key, value in plan.workflow.items():
        setattr(row, key, value.value if hasattr(value, "value") and key == "status" else value)
    row.update_time = now
    row.save()
    events.append(row.id, [events.workflow_event(row.id, row.status, now, operation=what)])
    decide_locked(row, now)


def _run(workflow_id: str, what: str, make_plan: Any) -> None:
    with transaction.atomic():
        row = lock_workflow(workflow_id)
        state = store.load_state(row)
        try:
            plan = make_plan(row, state)
        except operations.OperationRefused as exc:
            raise Conflict(str(exc)) from exc
        _apply(row, plan, what)


def restart(workflow_id: str, use_latest_definitions: bool = False) -> None:
    def plan(row: Workflow, state: Any) -> operations.Plan:
        if row.status == "COMPLETED" and row.snapshot.definition.get("restartable") is False:
            raise operations.OperationRefused(f"Workflow {workflow_id} is not restartable (restartable=false)")
        if use_latest_definitions:
            latest = WorkflowDef.objects.filter(name=row.name).order_by("-version").first()
            if latest is None:
                raise NotFound(f"No definition of {row.name} is registered any more")
            row.snapshot = store.snapshot_for(latest.definition)
            row.version = latest.version
        return operations.restart(store.definition_of(row), state, _all_tasks(row.id), timezone.now())

    _run(workflow_id, "restart", plan)


def retry(workflow_id: str, resume_subworkflow_tasks: bool = False) -> None:
    """Retry the last failed tasks; with `resume_subworkflow_tasks`, retry the failed child
    workflow in place (recursively) instead of starting a new child."""
    if resume_subworkflow_tasks:
        row = Workflow.objects.filter(pk=workflow_id).values("status").first()
        if row is not None and row["status"] in ("FAILED", "TIMED_OUT", "TERMINATED"):
            child = _failed_child(workflow_id)
            if child is not None:
                retry(child, True)
                _reopen_parent_task(workflow_id, child)
                return

    def plan(row: Workflow, state: Any) -> operations.Plan:
        return operations.retry(store.definition_of(row), state, _all_tasks(row.id), timezone.now(), new_id,
                                types=registry.REGISTRY)

    _run(workflow_id, "retry", plan)


def _failed_child(workflow_id: str) -> str | None:
    return (
        Task.objects.filter(workflow_id=workflow_id, task_type__in=registry.names_where(registry.starts_child),
                            sub_workflow_id__isnull=False, status__in=["FAILED", "TIMED_OUT", "CANCELED"])
        .order_by("-seq").values_list("sub_workflow_id", flat=True).first()
    )


def _reopen_parent_task(workflow_id: str, child_id: str) -> None:
    """After its child was retried, the parent's SUB_WORKFLOW task and the parent run again."""
    from dataclasses import replace

    from orchestrator.engine.status import TaskStatus, WorkflowStatus

    with transaction.atomic():
        row = lock_workflow(workflow_id)
        task = Task.objects.filter(workflow_id=workflow_id, sub_workflow_id=child_id).order_by("-seq").first()
        if task is None:
            return
        reopened = replace(store.to_state(task), status=TaskStatus.IN_PROGRESS, end_time=None, processed=False,
                           reason=None)
        Task.objects.filter(pk=task.pk).update(**store.row_values(reopened))
        now = timezone.now()
        Workflow.objects.filter(pk=row.pk).update(status=WorkflowStatus.RUNNING.value, reason=None, end_time=None,
                                                  last_retried_time=now, update_time=now)
        events.append(row.id, [events.workflow_event(row.id, "RUNNING", now, operation="retry")])
    # The child may have finished already (e.g. its retried task was a sync one).
    from .dispatch import send_on_commit

    with transaction.atomic():
        send_on_commit("orchestrator.tasks.notify_parent", child_id)


def rerun(workflow_id: str, request: dict[str, Any]) -> str:
    task_id = request.get("reRunFromTaskId")
    workflow_input = request.get("workflowInput")
    correlation_id = request.get("correlationId")

    def plan(row: Workflow, state: Any) -> operations.Plan:
        now = timezone.now()
        if task_id:
            return operations.rerun_from(store.definition_of(row), state, _all_tasks(row.id), now, str(task_id),
                                         request.get("taskInput"), workflow_input, correlation_id)
        return operations.restart(store.definition_of(row), state, _all_tasks(row.id), now,
                                  workflow_input=workflow_input, correlation_id=correlation_id)

    _run(workflow_id, "rerun", plan)
    return workflow_id


def skip_task(
    workflow_id: str, ref: str, task_input: dict[str, Any] | None, task_output: dict[str, Any] | None
) -> None:
    def plan(row: Workflow, state: Any) -> operations.Plan:
        refs = set(Task.objects.filter(workflow_id=row.id).values_list("ref", flat=True))
        return operations.skip(store.definition_of(row), state, refs, timezone.now(), new_id, ref, task_input,
                               task_output)

    _run(workflow_id, "skip", plan)
