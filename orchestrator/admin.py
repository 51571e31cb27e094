"""Admin for definitions and API access, plus the display helpers the executions admin shares.

Definitions are edited as their Conductor JSON and saved through `services.definitions`, so the
admin validates exactly what the API validates. API applications are created through
`services.access.create_application`; the secret is shown once, in a message, and only its
hash is stored (and never displayed).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from orchestrator.models import ApiApplication, DefinitionTag, TaskDef, WorkflowDef
from orchestrator.services import definitions
from orchestrator.services.access import create_application
from orchestrator.services.errors import ServiceError

admin.site.site_header = "Baton administration"
admin.site.site_title = "Baton admin"
admin.site.index_title = "Definitions, executions and access"

# Above this many characters a JSON value is cut in the admin (the API still returns all of it).
JSON_DISPLAY_LIMIT = 200_000

_PRE_STYLE = (
    "margin:0; max-height:32em; overflow:auto; white-space:pre-wrap; word-break:break-word; "
    "font-size:12px; padding:6px 8px; border:1px solid var(--hairline-color, #ddd); "
    "background:var(--darkened-bg, #f8f8f8); color:var(--body-fg, #333);"
)

STATUS_COLOURS = {
    "RUNNING": "#1a5fb4", "PAUSED": "#8a6d00", "COMPLETED": "#137333", "FAILED": "#b3261e",
    "TIMED_OUT": "#b3261e", "TERMINATED": "#6d4c41", "SCHEDULED": "#5f6368", "IN_PROGRESS": "#1a5fb4",
    "COMPLETED_WITH_ERRORS": "#8a6d00", "FAILED_WITH_TERMINAL_ERROR": "#b3261e", "CANCELED": "#6d4c41",
    "SKIPPED": "#5f6368",
}


def pretty_json(value: Any) -> SafeString:
    """A JSON value as an escaped, indented <pre> block (cut at JSON_DISPLAY_LIMIT characters)."""
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    note = ""
    if len(text) > JSON_DISPLAY_LIMIT:
        note = f"\n… cut at {JSON_DISPLAY_LIMIT:,} of {len(text):,} characters; the API returns all of it."
        text = text[:JSON_DISPLAY_LIMIT]
    return format_html('<pre style="{}">{}{}</pre>', _PRE_STYLE, text, note)


def status_badge(status: str | None) -> SafeString:
    colour = STATUS_COLOURS.get(status or "", "#5f6368")
    return format_html(
        '<span style="background:{}; color:#fff; padding:1px 7px; border-radius:8px; font-size:11px; '
        'font-weight:600; white-space:nowrap;">{}</span>',
        colour, status or "—",
    )


def changelist_link(model: str, label: str, **params: Any) -> SafeString:
    """A link to an admin changelist ("executions.task") filtered by the given query parameters."""
    app_label, model_name = model.split(".")
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    return format_html('<a href="{}?{}">{}</a>', url, urlencode(params), label)


def short_id(value: str | None) -> SafeString | str:
    """The first 8 characters of a long id, in <code>, with the whole id as the tooltip."""
    if not value:
        return "—"
    short = value if len(value) <= 10 else value[:8] + "…"
    return format_html('<code title="{}" style="color:inherit">{}</code>', value, short)


def when(value: datetime | None) -> str:
    """A compact local timestamp for list columns: 2026-11-28 00:37:12."""
    if value is None:
        return "—"
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


def admin_url(model: type[models.Model], pk: Any) -> str:
    """The admin change page of one row, by model and primary key (no need to load the row)."""
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])


def change_link(obj: models.Model, label: str | None = None) -> SafeString:
    return format_html('<a href="{}">{}</a>', admin_url(type(obj), obj.pk), label if label is not None else str(obj))


class PrettyJSONField(forms.JSONField):
    """A JSON form field whose textarea shows the value indented."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False)


_JSON_TEXTAREA = forms.Textarea(attrs={"rows": 28, "cols": 100, "style": "font-family:monospace; width:95%;"})


def _service_error_text(exc: ServiceError) -> list[str]:
    lines = [exc.message]
    for problem in exc.validation_errors[1:]:
        lines.append(f"{problem.get('path', '')}: {problem.get('message', '')}")
    return lines


class DefinitionColumns:
    @admin.display(description="description")
    def short_description(self, obj: TaskDef | WorkflowDef) -> str:
        return Truncator(obj.description).chars(80)

    @admin.display(description="updated", ordering="updated")
    def updated_at(self, obj: TaskDef | WorkflowDef) -> str:
        return when(obj.updated)


# -- task definitions ----------------------------------------------------------------------------


class TaskDefForm(forms.ModelForm):
    definition = PrettyJSONField(
        widget=_JSON_TEXTAREA,
        help_text="The Conductor TaskDef JSON. Validated like PUT /api/metadata/taskdefs; missing fields get "
        "Conductor's defaults.",
    )

    class Meta:
        model = TaskDef
        fields = ["definition"]

    def clean_definition(self) -> dict[str, Any]:
        doc = self.cleaned_data["definition"]
        try:
            full = definitions.normalise_task_def(doc)
        except ServiceError as exc:
            raise forms.ValidationError(_service_error_text(exc)) from exc
        if self.instance.pk and full["name"] != self.instance.name:
            raise forms.ValidationError(
                f"The name cannot change here (it is {self.instance.name!r}); add a new task definition instead."
            )
        if not self.instance.pk and TaskDef.objects.filter(name=full["name"]).exists():
            raise forms.ValidationError(f"A task definition named {full['name']!r} already exists.")
        return full


@admin.register(TaskDef)
class TaskDefAdmin(DefinitionColumns, admin.ModelAdmin):
    form = TaskDefForm
    list_display = ("name", "short_description", "retries", "timeouts", "limits", "owner_email", "updated_at")
    list_filter = ("updated",)
    search_fields = ("name", "description", "owner_email")
    readonly_fields = ("name", "owner_email", "created", "created_by", "updated", "updated_by")
    fieldsets = [
        (None, {"fields": ["name", "definition"]}),
        ("Record", {"fields": ["owner_email", ("created", "created_by"), ("updated", "updated_by")]}),
    ]

    def get_fieldsets(self, request: HttpRequest, obj: TaskDef | None = None) -> Any:
        if obj is None:
            return [(None, {"fields": ["definition"]})]
        return self.fieldsets

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        shown = ("retryCount", "retryLogic", "retryDelaySeconds", "timeoutSeconds", "responseTimeoutSeconds")
        return {"definition": {"name": "", **{k: definitions.TASK_DEF_DEFAULTS[k] for k in shown}}}

    @admin.display(description="retries")
    def retries(self, obj: TaskDef) -> str:
        d = obj.definition or {}
        return f"{d.get('retryCount', '—')} × {d.get('retryLogic', 'FIXED')} {d.get('retryDelaySeconds', 0)}s"

    @admin.display(description="timeout / response timeout")
    def timeouts(self, obj: TaskDef) -> str:
        d = obj.definition or {}
        return f"{d.get('timeoutSeconds', 0)}s / {d.get('responseTimeoutSeconds', '—')}s"

    @admin.display(description="concurrency / rate")
    def limits(self, obj: TaskDef) -> str:
        d = obj.definition or {}
        concurrency = d.get("concurrentExecLimit") or "∞"
        rate = d.get("rateLimitPerFrequency") or 0
        per = d.get("rateLimitFrequencyInSeconds") or 1
        return f"{concurrency} / {f'{rate} per {per}s' if rate else '∞'}"

    def save_model(self, request: HttpRequest, obj: TaskDef, form: forms.ModelForm, change: bool) -> None:
        saved = definitions.save_task_defs([form.cleaned_data["definition"]], user=request.user.get_username())[0]
        obj.pk = saved.pk
        obj.refresh_from_db()


# -- workflow definitions ------------------------------------------------------------------------


class WorkflowDefForm(forms.ModelForm):
    definition = PrettyJSONField(
        widget=_JSON_TEXTAREA,
        help_text="The Conductor WorkflowDef JSON, validated like POST /api/metadata/workflow. To make a new "
        "version, add a workflow definition with a higher \"version\".",
    )

    class Meta:
        model = WorkflowDef
        fields = ["definition"]

    def clean_definition(self) -> dict[str, Any]:
        doc = self.cleaned_data["definition"]
        try:
            doc = definitions.require_valid_workflow_def(doc)
        except ServiceError as exc:
            raise forms.ValidationError(_service_error_text(exc)) from exc
        if self.instance.pk and (doc["name"], doc["version"]) != (self.instance.name, self.instance.version):
            raise forms.ValidationError(
                f"Name and version cannot change here (this is {self.instance}); add a new workflow definition "
                "for a new version."
            )
        if not self.instance.pk and WorkflowDef.objects.filter(name=doc["name"], version=doc["version"]).exists():
            raise forms.ValidationError(f"{doc['name']} version {doc['version']} already exists.")
        return doc


@admin.register(WorkflowDef)
class WorkflowDefAdmin(DefinitionColumns, admin.ModelAdmin):
    form = WorkflowDefForm
    list_display = ("name", "version", "short_description", "tasks", "executions", "owner_email", "updated_at")
    list_filter = ("updated",)
    search_fields = ("name", "description", "owner_email")
    readonly_fields = ("name", "version", "owner_email", "executions", "created", "created_by", "updated",
                       "updated_by")
    fieldsets = [
        (None, {"fields": [("name", "version"), "executions", "definition"]}),
        ("Record", {"fields": ["owner_email", ("created", "created_by"), ("updated", "updated_by")]}),
    ]

    def get_fieldsets(self, request: HttpRequest, obj: WorkflowDef | None = None) -> Any:
        if obj is None:
            return [(None, {"fields": ["definition"]})]
        return self.fieldsets

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"definition": {"name": "", "version": 1, "schemaVersion": 2, "tasks": [], "outputParameters": {}}}

    @admin.display(description="tasks")
    def tasks(self, obj: WorkflowDef) -> int:
        return obj.task_count

    @admin.display(description="executions")
    def executions(self, obj: WorkflowDef) -> SafeString:
        return changelist_link("executions.workflow", "executions →", name=obj.name, version=obj.version)

    def save_model(self, request: HttpRequest, obj: WorkflowDef, form: forms.ModelForm, change: bool) -> None:
        saved = definitions.save_workflow_def(
            form.cleaned_data["definition"], overwrite=change, user=request.user.get_username()
        )
        obj.pk = saved.pk
        obj.refresh_from_db()


# -- API applications ----------------------------------------------------------------------------


class ApiApplicationForm(forms.ModelForm):
    class Meta:
        model = ApiApplication
        fields = ["name", "role", "active"]  # never secret_hash


@admin.register(DefinitionTag)
class DefinitionTagAdmin(admin.ModelAdmin):
    """Read and delete only: tags are written through the metadata API, which checks the name exists."""

    list_display = ("name", "target", "key", "value", "type")
    list_filter = ("target", "type")
    search_fields = ("name", "key")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DefinitionTag | None = None) -> bool:
        return False


@admin.register(ApiApplication)
class ApiApplicationAdmin(admin.ModelAdmin):
    form = ApiApplicationForm
    list_display = ("name", "key_id", "role", "active", "created_at", "last_used_at")
    list_filter = ("active", "role", "last_used")
    search_fields = ("name", "=key_id")
    readonly_fields = ("key_id", "created", "last_used")
    date_hierarchy = "created"
    actions = ["disable_applications", "enable_applications"]

    def get_fields(self, request: HttpRequest, obj: ApiApplication | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("name", "role")
        return ("name", "key_id", "role", "active", "created", "last_used")

    @admin.display(description="created", ordering="created")
    def created_at(self, obj: ApiApplication) -> str:
        return when(obj.created)

    @admin.display(description="last token", ordering="last_used")
    def last_used_at(self, obj: ApiApplication) -> str:
        return when(obj.last_used)

    def save_model(self, request: HttpRequest, obj: ApiApplication, form: forms.ModelForm, change: bool) -> None:
        if change:
            obj.save(update_fields=["name", "role", "active"])
            return
        app, secret = create_application(form.cleaned_data["name"], form.cleaned_data["role"])
        obj.pk = app.pk
        obj.refresh_from_db()
        messages.warning(
            request,
            f"Copy this secret now: it is not stored and will not be shown again. "
            f"CONDUCTOR_AUTH_KEY={app.key_id}  CONDUCTOR_AUTH_SECRET={secret}",
        )

    @admin.action(description="Disable selected applications (their tokens stop working within 15 s)")
    def disable_applications(self, request: HttpRequest, queryset: QuerySet[ApiApplication]) -> None:
        count = queryset.filter(active=True).update(active=False)
        self.message_user(request, f"Disabled {count} application(s).", messages.SUCCESS)

    @admin.action(description="Enable selected applications")
    def enable_applications(self, request: HttpRequest, queryset: QuerySet[ApiApplication]) -> None:
        count = queryset.filter(active=False).update(active=True)
        self.message_user(request, f"Enabled {count} application(s).", messages.SUCCESS)
