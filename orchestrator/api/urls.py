"""Conductor's REST paths, relative to /api."""

from __future__ import annotations

from django.urls import path, re_path

from orchestrator.humantasks import api as human

from . import poll, sync_views
from . import views_event as event
from . import views_metadata as meta
from . import views_operations as ops
from . import views_scheduler as sch
from . import views_schema as schema
from . import views_search as search
from . import views_tasks as t
from . import views_token as tok
from . import views_workflow as wf
from .views_fallback import unknown_path

urlpatterns = [
    path("token", tok.Token.as_view()),
    path("token/userInfo", tok.UserInfo.as_view()),
    # metadata
    path("metadata/workflow", meta.WorkflowDefs.as_view()),
    path("metadata/workflow/validate", meta.ValidateWorkflowDef.as_view()),
    path("metadata/workflow/names-and-versions", meta.NamesAndVersions.as_view()),
    path("metadata/workflow/<str:name>", meta.WorkflowDefDetail.as_view()),
    path("metadata/workflow/<str:name>/tags", meta.WorkflowDefTags.as_view()),
    path("metadata/workflow/<str:name>/<int:version>", meta.WorkflowDefVersion.as_view()),
    path("metadata/taskdefs", meta.TaskDefs.as_view()),
    path("metadata/taskdefs/<str:name>", meta.TaskDefDetail.as_view()),
    path("metadata/task/<str:name>/tags", meta.TaskDefTags.as_view()),
    # schemas (Orkes' schema registry)
    path("schema", schema.Schemas.as_view()),
    path("schema/<str:name>", schema.SchemaByName.as_view()),
    path("schema/<str:name>/<int:version>", schema.SchemaVersion.as_view()),
    # workflows
    path("workflow", wf.start_workflow),
    path("workflow/decide/<str:workflow_id>", wf.DecideWorkflow.as_view()),
    path("workflow/execute/<str:name>/<int:version>", sync_views.execute),
    path("workflow/search", search.SearchWorkflows.as_view()),
    path("workflow/test", wf.TestWorkflow.as_view()),
    path("workflow/bulk/pause", search.BulkPause.as_view()),
    path("workflow/bulk/resume", search.BulkResume.as_view()),
    path("workflow/bulk/terminate", search.BulkTerminate.as_view()),
    path("workflow/bulk/restart", ops.BulkRestart.as_view()),
    path("workflow/bulk/retry", ops.BulkRetry.as_view()),
    path("workflow/running/<str:name>", search.Running.as_view()),
    path("workflow/<str:name>/correlated", search.Correlated.as_view()),
    path("workflow/<str:name>/correlated/<str:correlation_id>", search.CorrelatedOne.as_view()),
    path("workflow/<str:key>", wf.WorkflowByNameOrId.as_view()),
    path("workflow/<str:workflow_id>/status", wf.WorkflowStatusView.as_view()),
    path("workflow/<str:workflow_id>/pause", wf.PauseWorkflow.as_view()),
    path("workflow/<str:workflow_id>/resume", wf.ResumeWorkflow.as_view()),
    path("workflow/<str:workflow_id>/remove", wf.RemoveWorkflow.as_view()),
    path("workflow/<str:workflow_id>/restart", ops.RestartWorkflow.as_view()),
    path("workflow/<str:workflow_id>/retry", ops.RetryWorkflow.as_view()),
    path("workflow/<str:workflow_id>/rerun", ops.RerunWorkflow.as_view()),
    path("workflow/<str:workflow_id>/skiptask/<str:ref>", ops.SkipTask.as_view()),
    # tasks
    path("tasks", t.update_task),
    path("tasks/update-v2", t.update_task_v2),
    path("tasks/poll/batch/<str:task_type>", poll.poll_batch),
    path("tasks/poll/<str:task_type>", poll.poll_one),
    path("tasks/search", search.SearchTasks.as_view()),
    path("tasks/queue/sizes", t.QueueSizes.as_view()),
    path("tasks/queue/all", t.AllQueues.as_view()),
    path("tasks/queue/polldata", t.PollData.as_view()),
    path("tasks/<str:task_id>", t.TaskDetail.as_view()),
    path("tasks/<str:task_id>/log", t.TaskLogs.as_view()),
    path("tasks/<str:workflow_id>/<str:status>/signal", sync_views.signal),
    path("tasks/<str:workflow_id>/<str:status>/signal/sync", sync_views.signal, {"sync": True}),
    path("tasks/<str:workflow_id>/<str:ref>/<str:status>", t.UpdateByRef.as_view()),
    path("tasks/<str:workflow_id>/<str:ref>/<str:status>/sync", t.UpdateByRef.as_view(), {"sync": True}),
    # event handlers
    path("event", event.EventHandlers.as_view()),
    path("event/<str:key>", event.EventHandlersByKey.as_view()),
    # scheduler
    path("scheduler/schedules", sch.Schedules.as_view()),
    path("scheduler/schedules/<str:name>", sch.ScheduleDetail.as_view()),
    path("scheduler/schedules/<str:name>/pause", sch.PauseSchedule.as_view()),
    path("scheduler/schedules/<str:name>/resume", sch.ResumeSchedule.as_view()),
    path("scheduler/schedules/<str:name>/tags", sch.ScheduleTags.as_view()),
    path("scheduler/admin/pause", sch.PauseAll.as_view()),
    path("scheduler/admin/resume", sch.ResumeAll.as_view()),
    path("scheduler/admin/requeue", sch.Requeue.as_view()),
    path("scheduler/nextFewSchedules", sch.NextFewSchedules.as_view()),
    path("scheduler/search/executions", sch.SearchExecutions.as_view()),
    # human tasks (the inbox as JSON)
    path("human/tasks", human.Tasks.as_view()),
    path("human/tasks/<str:task_id>", human.TaskDetail.as_view()),
    path("human/tasks/<str:task_id>/claim", human.Claim.as_view()),
    path("human/tasks/<str:task_id>/release", human.Release.as_view()),
    path("human/tasks/<str:task_id>/assign", human.Assign.as_view()),
    path("human/tasks/<str:task_id>/decision", human.Decision.as_view()),
    # Last: whatever nothing above matched gets Conductor's JSON 404 instead of Django's HTML page.
    re_path(r"^(?P<path>.*)$", unknown_path),
]
