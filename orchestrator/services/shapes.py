"""Conductor JSON shapes for rows: Task, Workflow, definitions, summaries.

Times are epoch milliseconds (WorkflowSummary uses ISO strings), field names as the SDK reads them.
Below the API and the websocket consumers, which both send these shapes.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from executions import store
from orchestrator.engine.timing import to_ms
from orchestrator.models import TaskDef, WorkflowDef
from orchestrator.systemtasks.registry import wire_task_type

if TYPE_CHECKING:  # rows are read, never queried, here
    from executions.models import Task, TaskLog, Workflow


def _ms(moment: datetime | None) -> int:
    return to_ms(moment)


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def task_json(row: Task, workflow: Workflow | None = None) -> dict[str, Any]:
    wf = workflow or row.workflow
    defn = store.definition_of(wf)
    node = defn.node(row.node_ref).raw if defn.has(row.node_ref) else None
    return {
        "taskType": wire_task_type(row.task_type, row.def_name),
        "status": row.status,
        "inputData": row.input,
        "referenceTaskName": row.ref,
        "retryCount": row.retry_count,
        "seq": row.seq,
        "correlationId": wf.correlation_id,
        "pollCount": row.poll_count,
        "taskDefName": row.def_name,
        "scheduledTime": _ms(row.scheduled_time),
        "startTime": _ms(row.start_time),
        "endTime": _ms(row.end_time),
        "updateTime": _ms(row.update_time),
        "startDelayInSeconds": row.start_delay_seconds,
        "retriedTaskId": row.retried_task_id,
        "retried": row.retried,
        "executed": row.processed,
        "callbackFromWorker": True,
        "responseTimeoutSeconds": row.response_timeout_seconds,
        "workflowInstanceId": wf.id,
        "workflowType": wf.name,
        "taskId": row.id,
        "reasonForIncompletion": row.reason,
        "callbackAfterSeconds": row.callback_after_seconds,
        "workerId": row.worker_id,
        "outputData": row.output,
        "workflowTask": node,
        "domain": row.domain,
        "rateLimitPerFrequency": 0,
        "rateLimitFrequencyInSeconds": 0,
        "workflowPriority": wf.priority,
        "iteration": row.iteration,
        "subWorkflowId": row.sub_workflow_id,
        "loopOverTask": row.iteration > 0,
        "firstStartTime": _ms(row.start_time),
        "queueWaitTime": max(0, _ms(row.start_time) - _ms(row.scheduled_time)) if row.start_time else 0,
    }


def workflow_json(row: Workflow, tasks: list[Task] | None = None) -> dict[str, Any]:
    return {
        "ownerApp": "",
        "createTime": _ms(row.create_time),
        "updateTime": _ms(row.update_time),
        "createdBy": row.created_by or None,
        "updatedBy": None,
        "status": row.status,
        "startTime": _ms(row.create_time),
        "endTime": _ms(row.end_time),
        "workflowId": row.id,
        "parentWorkflowId": row.parent_workflow_id,
        "parentWorkflowTaskId": row.parent_workflow_task_id,
        "tasks": [task_json(t, row) for t in tasks] if tasks is not None else [],
        "input": row.input,
        "output": row.output,
        "correlationId": row.correlation_id,
        "reRunFromWorkflowId": None,
        "reasonForIncompletion": row.reason,
        "event": None,
        "taskToDomain": row.task_to_domain,
        "failedReferenceTaskNames": list(row.failed_refs or []),
        "failedTaskNames": list(row.failed_task_names or []),
        "workflowDefinition": row.snapshot.definition,
        "priority": row.priority,
        "variables": row.variables,
        "lastRetriedTime": _ms(row.last_retried_time),
        "idempotencyKey": row.idempotency_key,
        "workflowName": row.name,
        "workflowVersion": row.version,
        "workflowType": row.name,
        "version": row.version,
        "history": [],
    }


def workflow_status_json(row: Workflow, include_output: bool, include_variables: bool) -> dict[str, Any]:
    return {
        "workflowId": row.id,
        "correlationId": row.correlation_id,
        "output": row.output if include_output else None,
        "variables": row.variables if include_variables else None,
        "status": row.status,
    }


def workflow_summary_json(row: Workflow) -> dict[str, Any]:
    import json

    execution_ms = (_ms(row.end_time) or _ms(row.update_time)) - _ms(row.create_time)
    return {
        "workflowType": row.name,
        "version": row.version,
        "workflowId": row.id,
        "correlationId": row.correlation_id,
        "startTime": _iso(row.create_time),
        "updateTime": _iso(row.update_time),
        "endTime": _iso(row.end_time),
        "status": row.status,
        "input": json.dumps(row.input),
        "output": json.dumps(row.output),
        "reasonForIncompletion": row.reason,
        "executionTime": max(0, execution_ms),
        "event": None,
        "failedReferenceTaskNames": ",".join(row.failed_refs or []),
        "failedTaskNames": list(row.failed_task_names or []),
        "priority": row.priority,
        "createdBy": row.created_by or None,
        "taskToDomain": row.task_to_domain,
        "idempotencyKey": row.idempotency_key,
        "parentWorkflowId": row.parent_workflow_id or "",
    }


def workflow_def_json(row: WorkflowDef) -> dict[str, Any]:
    doc = dict(row.definition)
    doc.update(
        {
            "name": row.name,
            "version": row.version,
            "createTime": _ms(row.created),
            "updateTime": _ms(row.updated),
            "createdBy": row.created_by or None,
            "updatedBy": row.updated_by or None,
        }
    )
    doc.setdefault("schemaVersion", 2)
    doc.setdefault("timeoutPolicy", "ALERT_ONLY")
    doc.setdefault("timeoutSeconds", 0)
    doc.setdefault("restartable", True)
    doc.setdefault("inputParameters", [])
    doc.setdefault("outputParameters", {})
    return doc


def task_def_json(row: TaskDef) -> dict[str, Any]:
    doc = dict(row.definition)
    doc.update(
        {
            "name": row.name,
            "createTime": _ms(row.created),
            "updateTime": _ms(row.updated),
            "createdBy": row.created_by or None,
            "updatedBy": row.updated_by or None,
        }
    )
    return doc


def task_log_json(row: TaskLog) -> dict[str, Any]:
    return {"log": row.log, "taskId": row.task_id, "createdTime": _ms(row.created_time)}


def task_summary_json(row: Task) -> dict[str, Any]:
    import json

    wf = row.workflow
    return {
        "workflowId": wf.id,
        "workflowType": wf.name,
        "correlationId": wf.correlation_id,
        "scheduledTime": _iso(row.scheduled_time),
        "startTime": _iso(row.start_time),
        "updateTime": _iso(row.update_time),
        "endTime": _iso(row.end_time),
        "status": row.status,
        "reasonForIncompletion": row.reason,
        "executionTime": max(0, _ms(row.end_time) - _ms(row.start_time)) if row.end_time and row.start_time else 0,
        "queueWaitTime": max(0, _ms(row.start_time) - _ms(row.scheduled_time)) if row.start_time else 0,
        "taskDefName": row.def_name,
        "taskType": wire_task_type(row.task_type, row.def_name),
        "input": json.dumps(row.input),
        "output": json.dumps(row.output),
        "taskId": row.id,
        "taskReferenceName": row.ref,
        "workflowPriority": wf.priority,
        "domain": row.domain,
    }
