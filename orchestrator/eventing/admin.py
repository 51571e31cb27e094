"""The admin's view of event handlers, what they handled, and the dead letters.

A handler saved here passes the same validation as POST /api/event (`handlers.check`), and its
page lists the last messages it handled with what each action did.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join

from orchestrator.services.errors import ServiceError

from . import handlers
from .models import DeadLetter, EventExecution, EventHandler

_RECENT = 20


class _IndentedJSON(forms.JSONField):
    """The actions list shown indented: it is edited by hand here."""

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False)


class EventHandlerForm(forms.ModelForm):
    actions = _IndentedJSON(widget=forms.Textarea(attrs={"rows": 18, "cols": 90, "style": "font-family: monospace"}))

    class Meta:
        model = EventHandler
        fields = ["name", "event", "condition", "evaluator_type", "actions", "active", "tags"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        doc = {"name": data.get("name"), "event": data.get("event"), "condition": data.get("condition") or None,
               "evaluatorType": data.get("evaluator_type") or None, "actions": data.get("actions"),
               "active": bool(data.get("active")), "tags": data.get("tags") or []}
        try:
            handlers.check(doc)
        except ServiceError as exc:
            for error in exc.validation_errors:
                top = error["path"].split("[")[0].split(".")[0]
                field = {"evaluatorType": "evaluator_type"}.get(top, top)
                self.add_error(field if field in self.fields else None, f"{error['path']}: {error['message']}")
        return data


@admin.register(EventHandler)
class EventHandlerAdmin(admin.ModelAdmin):
    form = EventHandlerForm
    list_display = ("name", "event", "active", "updated")
    list_filter = ("active",)
    search_fields = ("name", "event")
    readonly_fields = ("recent_messages",)

    @admin.display(description="Last messages handled")
    def recent_messages(self, obj: EventHandler) -> str:
        rows = EventExecution.objects.filter(handler_name=obj.name).order_by("-created")[:_RECENT]
        if not rows:
            return "none yet"
        # format_html escapes every value: payloads and errors are user-provided text.
        body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
                                ((r.created.strftime("%Y-%m-%d %H:%M:%S"), r.message_id, r.status,
                                  "; ".join(_describe(o) for o in r.output)) for r in rows))
        return format_html("<table><tr><th>time</th><th>message id</th><th>status</th><th>what it did</th></tr>"
                           "{}</table>", body)


def _describe(output: dict[str, Any]) -> str:
    if "error" in output:
        return f"{output.get('action') or 'condition'} failed: {output['error']}"
    if output.get("skipped"):
        return "condition false"
    if "workflowId" in output and output.get("action") == "start_workflow":
        return f"started {output['workflowId']}"
    if "status" in output:
        return f"{output.get('action')}: task {output.get('taskId')} → {output['status']}"
    return str(output)


@admin.register(EventExecution)
class EventExecutionAdmin(admin.ModelAdmin):
    """A record of what happened: read-only."""

    list_display = ("created", "handler_name", "event", "message_id", "status")
    list_filter = ("status",)
    search_fields = ("handler_name", "message_id", "event")
    readonly_fields = [f.name for f in EventExecution._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False


@admin.register(DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):
    list_display = ("created", "handler_name", "event", "message_id", "action", "error")
    search_fields = ("handler_name", "message_id", "event", "error")
    readonly_fields = [f.name for f in DeadLetter._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False
