from django.urls import path

from . import views_bulk, views_logs, views_overview, views_run, views_runs

app_name = "executions"

urlpatterns = [
    path("", views_overview.overview_page, name="home"),
    path("executions/", views_runs.run_list, name="runs"),
    path("executions/bulk", views_bulk.bulk, name="bulk"),  # before <id>: run ids are UUIDs, never "bulk"
    path("executions/<str:workflow_id>", views_run.run_page, name="run"),
    # The URL conductor-python prints after starting a workflow.
    path("execution/<str:workflow_id>", views_run.run_page, name="run-sdk"),
    path("executions/<str:workflow_id>/logs.txt", views_logs.logs_text, name="run-logs"),
    path("executions/<str:workflow_id>/action", views_run.run_action, name="run-action"),
]
