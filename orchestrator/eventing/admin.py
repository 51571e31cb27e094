"""The admin's view of event handlers, what they handled, and the dead letters."""

from __future__ import annotations

from django.contrib import admin

from .models import DeadLetter, EventExecution, EventHandler


@admin.register(EventHandler)
class EventHandlerAdmin(admin.ModelAdmin):
    list_display = ("name", "event", "active", "updated")
    list_filter = ("active",)
    search_fields = ("name", "event")


@admin.register(EventExecution)
class EventExecutionAdmin(admin.ModelAdmin):
    list_display = ("created", "handler_name", "event", "message_id", "status")
    list_filter = ("status",)
    search_fields = ("handler_name", "message_id", "event")
    readonly_fields = [f.name for f in EventExecution._meta.fields]


@admin.register(DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):
    list_display = ("created", "handler_name", "event", "message_id", "action", "error")
    search_fields = ("handler_name", "message_id", "event", "error")
    readonly_fields = [f.name for f in DeadLetter._meta.fields]
