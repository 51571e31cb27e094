"""Definition snapshots: the exact JSON each execution ran, shared by identical definitions."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import SafeString

from orchestrator.admin import changelist_link, pretty_json

from ..models import DefinitionSnapshot
from .common import ReadOnlyAdmin


@admin.register(DefinitionSnapshot)
class DefinitionSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("short_digest", "name", "version", "created", "executions")
    list_filter = ("created",)
    search_fields = ("^name", "=digest")
    date_hierarchy = "created"
    fields = ("name", "version", "digest", "created", "executions", "definition_json")
    readonly_fields = fields
    changelist_defer = ("definition",)

    @admin.display(description="digest", ordering="digest")
    def short_digest(self, obj: DefinitionSnapshot) -> SafeString:
        return format_html("<code>{}</code>", obj.digest[:12])

    @admin.display(description="executions")
    def executions(self, obj: DefinitionSnapshot) -> SafeString:
        return changelist_link("executions.workflow", "executions →", snapshot=obj.digest)

    @admin.display(description="definition")
    def definition_json(self, obj: DefinitionSnapshot) -> SafeString:
        return pretty_json(obj.definition)
