"""Changelist filters that never run SELECT DISTINCT over a big execution table."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from orchestrator.models import WorkflowDef
from orchestrator.systemtasks import registry

from .common import preview


def exact_filter(title: str, parameter: str, lookup: str) -> type[admin.SimpleListFilter]:
    """A sidebar filter for one exact value given in the URL (e.g. ?workflow_id=...).

    Links from other admin pages set it; the sidebar shows it so it can be cleared. It offers no
    choices of its own: listing every workflow id would not scale.
    """

    class ExactFilter(admin.SimpleListFilter):
        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
            value = self.value()
            return [(value, preview(value, 24))] if value else []

        def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
            value = self.value()
            return queryset.filter(**{lookup: value}) if value else queryset

    ExactFilter.title = title
    ExactFilter.parameter_name = parameter
    ExactFilter.__name__ = f"{parameter.title().replace('_', '')}Filter"
    return ExactFilter


class ChoiceFilter(admin.SimpleListFilter):
    """A filter whose choices are fixed or come from a small table, never from SELECT DISTINCT on a big one."""

    field = ""

    def choices_for(self, request: HttpRequest) -> list[str]:
        raise NotImplementedError

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(c, c) for c in self.choices_for(request)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(**{self.field: value}) if value else queryset


class WorkflowNameFilter(ChoiceFilter):
    title = "name"
    parameter_name = "name"
    field = "name"

    def choices_for(self, request: HttpRequest) -> list[str]:
        return list(WorkflowDef.objects.order_by("name").values_list("name", flat=True).distinct()[:200])


class TaskTypeFilter(ChoiceFilter):
    title = "task type"
    parameter_name = "task_type"
    field = "task_type"

    def choices_for(self, request: HttpRequest) -> list[str]:
        return sorted(t for t in registry.TYPES if t != "USER_DEFINED")


class EventKindFilter(ChoiceFilter):
    title = "kind"
    parameter_name = "kind"
    field = "kind"

    def choices_for(self, request: HttpRequest) -> list[str]:
        return ["task", "workflow"]
