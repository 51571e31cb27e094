"""Schedules in the admin, beside their beat entries (django-celery-beat's Periodic tasks).

Schedules are read here and changed through the API / services (a save validates the cron and
keeps the beat entry in step); the admin's actions pause and resume through the same services.
Fire records are read-only: only the runtime's ScheduleFire writes them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from orchestrator.services import schedules

from .models import Schedule, ScheduleFire


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ("name", "cron_expression", "zone_id", "workflow", "paused", "beat_entry", "updated_time")
    list_filter = ("paused", "zone_id")
    search_fields = ("name", "description")
    actions = ("pause", "resume")
    readonly_fields = [f.name for f in Schedule._meta.fields] + ["beat_entry"]

    @admin.display(description="workflow")
    def workflow(self, obj: Schedule) -> str:
        return obj.workflow_name

    @admin.display(description="beat entry")
    def beat_entry(self, obj: Schedule) -> SafeString | str:
        if obj.periodic_task_id is None:
            return "-"
        url = reverse("admin:django_celery_beat_periodictask_change", args=[obj.periodic_task_id])
        return format_html('<a href="{}">{}</a>', url, obj.periodic_task)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deleting goes through the API, which removes the beat entry too

    @admin.action(description="Pause the selected schedules")
    def pause(self, request: HttpRequest, queryset: QuerySet[Schedule]) -> None:
        for row in queryset:
            schedules.pause(row.name, "paused in the admin", request.user.get_username())
        messages.success(request, f"Paused {queryset.count()} schedule(s).")

    @admin.action(description="Resume the selected schedules")
    def resume(self, request: HttpRequest, queryset: QuerySet[Schedule]) -> None:
        for row in queryset:
            schedules.resume(row.name, request.user.get_username())
        messages.success(request, f"Resumed {queryset.count()} schedule(s).")


@admin.register(ScheduleFire)
class ScheduleFireAdmin(admin.ModelAdmin):
    list_display = ("schedule_name", "scheduled_time", "execution_time", "state", "run", "reason")
    list_filter = ("state",)
    search_fields = ("schedule_name", "workflow_id", "execution_id")
    readonly_fields = [f.name for f in ScheduleFire._meta.fields]

    @admin.display(description="workflow")
    def run(self, obj: ScheduleFire) -> SafeString | str:
        if not obj.workflow_id:
            return "-"
        url = reverse("admin:executions_workflow_change", args=[obj.workflow_id])
        return format_html('<a href="{}">{}</a>', url, obj.workflow_id)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
