"""Who may call what: every URL pattern of the site, classified. A pattern missing here fails the test.

Keys are the pattern's route as Django's resolver spells it, from the site root. Admin pages of a
registered model appear once, with `admin/<model>/` standing for `admin/<app>/<model>/`. Each API
entry gives the access rule and, per method, the status an allowed caller gets for the dummy
request the test sends (path values `nope` / `1`, body `{}`): mostly 400 or 404, which proves the
request got past authentication into the view, and that junk input is not a 500.
"""

from __future__ import annotations

# -- access rules -----------------------------------------------------------------------------
PUBLIC = "public"  # no authentication at all (the token exchange)
WORKER = "worker"  # any authenticated caller: what workers need (views marked worker_allowed)
ADMIN = "admin"  # the ADMIN role: ADMIN applications and staff users
PAGE = "page"  # a login_required page: any logged-in user; tokens do not log in
SITE = "admin-site"  # the Django admin: staff sessions only
SITE_LOGIN = "admin-login"  # the admin's login page: open; a staff session is sent on
SITE_LOGOUT = "admin-logout"  # POST only (Django 5): GET is 405 for staff, others go to the index
SIGN_IN = "sign-in"  # /login/: open; a signed-in session is sent on (staff to /, others to /inbox/)
SIGN_OUT = "sign-out"  # /logout/: POST only (GET is 405 for everyone), CSRF-checked
STREAM = "stream"  # a websocket: the rule of GET /api/workflow/{id}
# A login_required page that answers the dummy GET with a 4xx (not 401/403) for any session: a
# name that is not there (404), a POST-only action (405), a preview without its query (400).
PAGE_4XX = "page-4xx"
# /api/human/: any person. Sessions act as their user; an ADMIN application must name the user
# it acts for (X-Baton-User; the dummy request does not: 400); a WORKER application may not (403).
HUMAN = "human"
DASHBOARD = "dashboard"  # an execution page: login, then the ADMIN role (staff); others get 403
DASHBOARD_STREAM = "dashboard-stream"  # /ws/dashboard/: the ADMIN rule, accepted (no object to look up)


API: dict[str, tuple[str, dict[str, int]]] = {
    "api/token": (PUBLIC, {"POST": 400}),
    "api/token/userInfo": (WORKER, {"GET": 200}),
    # human tasks: statuses for a session (an unknown task is a 404, `{}` is no assignee)
    "api/human/tasks": (HUMAN, {"GET": 200}),
    "api/human/tasks/<str:task_id>": (HUMAN, {"GET": 404}),
    "api/human/tasks/<str:task_id>/claim": (HUMAN, {"POST": 404}),
    "api/human/tasks/<str:task_id>/release": (HUMAN, {"POST": 404}),
    "api/human/tasks/<str:task_id>/assign": (HUMAN, {"POST": 404}),
    "api/human/tasks/<str:task_id>/decision": (HUMAN, {"POST": 404}),
    # metadata
    "api/metadata/workflow": (ADMIN, {"GET": 200, "POST": 400, "PUT": 400}),
    "api/metadata/workflow/validate": (ADMIN, {"POST": 400}),
    "api/metadata/workflow/names-and-versions": (ADMIN, {"GET": 200}),
    "api/metadata/workflow/<str:name>": (ADMIN, {"GET": 404}),
    "api/metadata/workflow/<str:name>/<int:version>": (ADMIN, {"DELETE": 404}),
    "api/metadata/taskdefs": (ADMIN, {"GET": 200, "POST": 400, "PUT": 400}),
    "api/metadata/taskdefs/<str:name>": (ADMIN, {"GET": 404, "DELETE": 404}),
    # Definition tags (added on the compat branch): ADMIN like the other metadata endpoints.
    # Statuses as read from that branch's views (`{}` is not a tag list): confirm at merge.
    "api/metadata/workflow/<str:name>/tags": (ADMIN, {"GET": 404, "PUT": 400, "POST": 400, "DELETE": 400}),
    "api/metadata/task/<str:name>/tags": (ADMIN, {"GET": 404, "PUT": 400, "POST": 400, "DELETE": 400}),
    # schemas (the schemas branch): `{}` has no name or data, `nope` is no schema
    "api/schema": (ADMIN, {"GET": 200, "POST": 400}),
    "api/schema/<str:name>": (ADMIN, {"GET": 404, "DELETE": 404}),
    "api/schema/<str:name>/<int:version>": (ADMIN, {"GET": 404, "DELETE": 404}),
    # workflows
    "api/workflow": (ADMIN, {"POST": 400}),
    "api/workflow/decide/<str:workflow_id>": (ADMIN, {"PUT": 404}),
    "api/workflow/execute/<str:name>/<int:version>": (ADMIN, {"POST": 404}),
    "api/workflow/search": (ADMIN, {"GET": 200}),
    "api/workflow/test": (ADMIN, {"POST": 400}),
    "api/workflow/bulk/pause": (ADMIN, {"PUT": 400}),
    "api/workflow/bulk/resume": (ADMIN, {"PUT": 400}),
    "api/workflow/bulk/terminate": (ADMIN, {"POST": 400}),
    "api/workflow/bulk/restart": (ADMIN, {"POST": 400}),
    "api/workflow/bulk/retry": (ADMIN, {"POST": 400}),
    "api/workflow/running/<str:name>": (ADMIN, {"GET": 200}),
    "api/workflow/<str:name>/correlated": (ADMIN, {"POST": 400}),
    "api/workflow/<str:name>/correlated/<str:correlation_id>": (ADMIN, {"GET": 200}),
    "api/workflow/<str:key>": (ADMIN, {"GET": 404, "POST": 404, "DELETE": 404}),
    "api/workflow/<str:workflow_id>/status": (ADMIN, {"GET": 404}),
    "api/workflow/<str:workflow_id>/pause": (ADMIN, {"PUT": 404}),
    "api/workflow/<str:workflow_id>/resume": (ADMIN, {"PUT": 404}),
    "api/workflow/<str:workflow_id>/remove": (ADMIN, {"DELETE": 404}),
    "api/workflow/<str:workflow_id>/restart": (ADMIN, {"POST": 404}),
    "api/workflow/<str:workflow_id>/retry": (ADMIN, {"POST": 404}),
    "api/workflow/<str:workflow_id>/rerun": (ADMIN, {"POST": 404}),
    "api/workflow/<str:workflow_id>/skiptask/<str:ref>": (ADMIN, {"PUT": 404}),
    # tasks
    "api/tasks": (WORKER, {"POST": 400}),
    "api/tasks/update-v2": (WORKER, {"POST": 400}),
    "api/tasks/poll/batch/<str:task_type>": (WORKER, {"GET": 200}),
    "api/tasks/poll/<str:task_type>": (WORKER, {"GET": 204}),
    "api/tasks/search": (ADMIN, {"GET": 200}),
    "api/tasks/queue/sizes": (WORKER, {"GET": 400}),
    "api/tasks/queue/all": (ADMIN, {"GET": 200}),
    "api/tasks/queue/polldata": (WORKER, {"GET": 400}),
    "api/tasks/<str:task_id>": (WORKER, {"GET": 404}),
    "api/tasks/<str:task_id>/log": (WORKER, {"GET": 200, "POST": 404}),
    "api/tasks/<str:workflow_id>/<str:status>/signal": (ADMIN, {"POST": 400}),  # status `nope`
    "api/tasks/<str:workflow_id>/<str:status>/signal/sync": (ADMIN, {"POST": 400}),
    "api/tasks/<str:workflow_id>/<str:ref>/<str:status>": (ADMIN, {"POST": 404}),
    "api/tasks/<str:workflow_id>/<str:ref>/<str:status>/sync": (ADMIN, {"POST": 404}),
    # event handlers (`{}` lacks name, event and actions: 400; no handler named `nope`: 404)
    "api/event": (ADMIN, {"GET": 200, "POST": 400, "PUT": 400}),
    "api/event/<str:key>": (ADMIN, {"GET": 200, "DELETE": 404}),
    # scheduler (`{}` is no SaveScheduleRequest / tag list; `nope` names no schedule)
    "api/scheduler/schedules": (ADMIN, {"GET": 200, "POST": 400}),
    "api/scheduler/schedules/<str:name>": (ADMIN, {"GET": 404, "DELETE": 404}),
    "api/scheduler/schedules/<str:name>/pause": (ADMIN, {"GET": 404, "PUT": 404}),
    "api/scheduler/schedules/<str:name>/resume": (ADMIN, {"GET": 404, "PUT": 404}),
    "api/scheduler/schedules/<str:name>/tags": (ADMIN, {"GET": 404, "PUT": 400, "DELETE": 400}),
    "api/scheduler/admin/pause": (ADMIN, {"GET": 200}),
    "api/scheduler/admin/resume": (ADMIN, {"GET": 200}),
    "api/scheduler/admin/requeue": (ADMIN, {"GET": 200}),
    "api/scheduler/nextFewSchedules": (ADMIN, {"GET": 400}),
    "api/scheduler/search/executions": (ADMIN, {"GET": 200}),
    # The compat branch's last /api pattern: Conductor's JSON 404 for any other path, unauthenticated.
    "api/^(?P<path>.*)$": (PUBLIC, {"GET": 404, "POST": 404, "PUT": 404, "DELETE": 404}),
}

PAGES: dict[str, str] = {
    "editor/": PAGE,
    "editor/<str:name>/": PAGE,
    # schedules: looking needs a login; changing (POST) needs staff, tested in tests/db_api/test_scheduler__pages.py
    "schedules/": PAGE,
    "schedules/new/": PAGE,
    "schedules/preview/": PAGE_4XX,
    "schedules/<str:name>/": PAGE_4XX,
    "schedules/<str:name>/edit/": PAGE_4XX,
    "schedules/<str:name>/<str:action>/": PAGE_4XX,
    # the inbox: any logged-in user; a task they may not see is a 404, actions are POST-only
    "inbox/": PAGE,
    "inbox/counts/": PAGE,  # the signed-in user's own badge numbers (JSON)
    "inbox/<str:task_id>/": PAGE_4XX,
    "inbox/<str:task_id>/decide/": PAGE_4XX,
    "inbox/<str:task_id>/comment/": PAGE_4XX,
    "inbox/<str:task_id>/act/<str:token>/": PAGE_4XX,  # a junk token: 400
    "inbox/<str:task_id>/<str:action>/": PAGE_4XX,
}

# Execution dashboards (executions/views_run*.py): what a staff session's GET of the sample path
# (`nope`) answers. The action URL is POST-only (CSRF-protected forms).
DASHBOARDS: dict[str, int] = {
    "": 200,  # the overview
    "executions/": 200,
    "executions/bulk": 400,  # no action chosen
    "executions/<str:workflow_id>": 404,
    "execution/<str:workflow_id>": 404,
    "executions/<str:workflow_id>/action": 405,
    "executions/<str:workflow_id>/logs.txt": 404,
    # the run page island's JSON (executions/views_loops.py)
    "executions/<str:workflow_id>/run.json": 404,
    "executions/<str:workflow_id>/branches": 404,
    "executions/<str:workflow_id>/tasks/<str:ref>": 404,  # the task drawer fragment
    "executions/<str:workflow_id>/tasks/<str:ref>/action": 405,
    # the run list's saved views: POST-only (CSRF-protected forms)
    "executions/views/": 405,
    "executions/views/<int:view_id>/rename": 405,
    "executions/views/<int:view_id>/delete": 405,
    "workflows/": 200,
    "workflows/<str:name>/": 404,  # no workflow is named `nope`
    "metrics/": 200,
    "metrics/<slug:table>.<slug:fmt>": 404,  # no table is named `nope`
}

ACCOUNTS: dict[str, str] = {
    "login/": SIGN_IN,
    "logout/": SIGN_OUT,
}

ADMIN_SITE: dict[str, str] = {
    "admin/": SITE,
    "admin/login/": SITE_LOGIN,
    "admin/logout/": SITE_LOGOUT,
    "admin/password_change/": SITE,
    "admin/password_change/done/": SITE,
    "admin/autocomplete/": SITE,
    "admin/jsi18n/": SITE,
    "admin/r/<path:content_type_id>/<path:object_id>/": SITE,
    "admin/<app_label>/": SITE,
    "admin/(?P<url>.*)$": SITE,
    "admin/<model>/": SITE,
    "admin/<model>/add/": SITE,
    "admin/<model>/<path:object_id>/": SITE,
    "admin/<model>/<path:object_id>/change/": SITE,
    "admin/<model>/<path:object_id>/delete/": SITE,
    "admin/<model>/<path:object_id>/history/": SITE,
    # executions.admin.WorkflowAdmin's buttons
    "admin/<model>/<path:object_id>/terminate/": SITE,
    "admin/<model>/<path:object_id>/pause/": SITE,
    "admin/<model>/<path:object_id>/resume/": SITE,
    # django.contrib.auth's UserAdmin
    "admin/<model>/<id>/password/": SITE,
}

STREAMS: dict[str, str] = {
    "ws/workflows/<str:workflow_id>/": STREAM,
    "ws/dashboard/": DASHBOARD_STREAM,
}
