from django.urls import path

from . import (
    views_bulk,
    views_logs,
    views_loops,
    views_metrics,
    views_overview,
    views_run,
    views_run_task,
    views_runs,
    views_saved,
    views_workflows,
)

app_name = "executions"

urlpatterns = [
    path("", views_overview.overview_page, name="home"),
    path("executions/", views_runs.run_list, name="runs"),
    path("executions/bulk", views_bulk.bulk, name="bulk"),  # before <id>: run ids are UUIDs, never "bulk"
    # Saved views of the run list; before <id> too ("views" is no run id, and these have a slash).
    path("executions/views/", views_saved.save_view, name="view-save"),
    path("executions/views/<int:view_id>/rename", views_saved.rename_view, name="view-rename"),
    path("executions/views/<int:view_id>/delete", views_saved.delete_view, name="view-delete"),
    path("executions/<str:workflow_id>", views_run.run_page, name="run"),
    # The URL conductor-python prints after starting a workflow.
    path("execution/<str:workflow_id>", views_run.run_page, name="run-sdk"),
    path("executions/<str:workflow_id>/logs.txt", views_logs.logs_text, name="run-logs"),
    path("executions/<str:workflow_id>/run.json", views_loops.run_json, name="run-json"),
    path("executions/<str:workflow_id>/branches", views_loops.branches, name="run-branches"),
    path("executions/<str:workflow_id>/action", views_run.run_action, name="run-action"),
    # The task drawer (a fragment for the page's script) and the actions on one task.
    path("executions/<str:workflow_id>/tasks/<str:ref>", views_run_task.task_drawer, name="run-task"),
    path("executions/<str:workflow_id>/tasks/<str:ref>/action", views_run_task.task_action, name="run-task-action"),
    path("workflows/", views_workflows.workflow_list, name="workflows"),
    path("workflows/<str:name>/", views_workflows.workflow_page, name="workflow"),
    path("metrics/", views_metrics.metrics_page, name="metrics"),
    path("metrics/<slug:table>.<slug:fmt>", views_metrics.metrics_table, name="metrics-table"),
]
