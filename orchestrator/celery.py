"""The Celery app: the decider, system-task execution and the sweeper run here."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orchestrator.settings")

app = Celery("orchestrator", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["orchestrator", "orchestrator.scheduler"], related_name="tasks")

# The event handlers' broker consumers run in the worker's main process (see the step's docstring).
app.steps["worker"].add("orchestrator.eventing.bootstep:EventConsumers")
