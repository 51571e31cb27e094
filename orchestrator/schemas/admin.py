from __future__ import annotations

from django.contrib import admin

from .models import SchemaDef


@admin.register(SchemaDef)
class SchemaDefAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "type", "updated", "updated_by")
    list_filter = ("type",)
    search_fields = ("name",)
    readonly_fields = ("created", "updated", "created_by", "updated_by")
