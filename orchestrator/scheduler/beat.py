"""A schedule's django-celery-beat entry: when beat wakes `fire_schedule` for it.

Beat only ticks; the Spring fire times are computed by `scheduler.cron` in the schedule's zone
(beat's crontab has no seconds, no `L`/`W`/`#`, and one zone). So the entry only has to wake at
or before every fire time, and a tick with nothing due costs one locked read:

- an expression whose seconds field is `0` fires on whole minutes: a crontab every minute (UTC)
  wakes on each of them;
- anything else (seconds-granular, `*/2 * * * * ?`): an interval of one second.

A paused schedule's entry is disabled, so beat does not wake it at all. Stale ticks expire
(`expire_seconds`): a backlog of wake-ups behind a busy worker is dropped, not replayed —
the next tick finds whatever is due.
"""

from __future__ import annotations

import json

from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from .models import Schedule

TASK = "orchestrator.scheduler.fire_schedule"
_EXPIRE_SECONDS = 30


def entry_name(schedule: Schedule) -> str:
    return f"schedule {schedule.name[:160]} (#{schedule.pk})"


def sync(schedule: Schedule) -> PeriodicTask:
    """Create or update the schedule's PeriodicTask to match it (call inside the save's transaction)."""
    task = schedule.periodic_task or PeriodicTask(name=entry_name(schedule))
    task.name = entry_name(schedule)
    task.task = TASK
    task.args = json.dumps([schedule.pk])
    task.enabled = not schedule.paused
    task.expire_seconds = _EXPIRE_SECONDS
    task.description = f"Wakes Baton schedule {schedule.name!r} ({schedule.cron_expression}, {schedule.zone_id})"
    if schedule.cron_expression.split()[0] == "0" or schedule.cron_expression.strip().startswith("@"):
        task.crontab, _ = CrontabSchedule.objects.get_or_create(
            minute="*", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC")
        task.interval = None
    else:
        task.interval, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
        task.crontab = None
    task.save()
    if schedule.periodic_task_id != task.pk:
        schedule.periodic_task = task
        schedule.save(update_fields=["periodic_task"])
    return task


def remove(schedule: Schedule) -> None:
    if schedule.periodic_task_id is not None:
        PeriodicTask.objects.filter(pk=schedule.periodic_task_id).delete()
