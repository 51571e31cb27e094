"""SIMPLE: a task run by an external worker that polls its queue (the task's `name`)."""

from __future__ import annotations

from orchestrator.engine.tasktype import TaskType


class Simple(TaskType):
    type_name = "SIMPLE"
    is_worker = True
    retriable = True
