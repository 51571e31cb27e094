from django.contrib import admin
from django.urls import include, path

from orchestrator.accounts.forms import ThrottledAdminAuthenticationForm

# The admin keeps its own staff-only login page, counted by the same sign-in throttle as /login/.
admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("orchestrator.accounts.urls")),
    path("api/", include("orchestrator.api.urls")),
    path("editor/", include("editor.urls")),
    path("schedules/", include("orchestrator.scheduler.urls")),
    path("inbox/", include("orchestrator.humantasks.urls")),
    path("", include("executions.urls")),
]
