"""`{{ row|approval_progress }}`: the task page's "1 of 2 approvals" line ("" for a task one
decision settles), so the page needs no view change to show it."""

from __future__ import annotations

from django import template

from orchestrator.humantasks import voting
from orchestrator.humantasks.models import HumanTask

register = template.Library()


@register.filter
def approval_progress(row: HumanTask) -> str:
    return voting.progress_line(row)
