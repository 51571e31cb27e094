"""Human tasks in the admin: read-only (claims and decisions go through the inbox's service)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import HumanTask


@admin.register(HumanTask)
class HumanTaskAdmin(admin.ModelAdmin):
    list_display = ("ref", "workflow_name", "status", "claimed_by", "decided_by", "created", "decided_at")
    list_filter = ("status", "workflow_name")
    search_fields = ("task_id", "workflow_id", "workflow_name", "ref")
    readonly_fields = [f.name for f in HumanTask._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
