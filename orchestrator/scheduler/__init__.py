"""Cron schedules (Conductor's scheduler): models, the Spring cron mapping, the beat entries.

`cron` is pure (Spring expressions over croniter, zones and DST); `models` holds Schedule and
ScheduleFire; `beat` maps a schedule onto its django-celery-beat PeriodicTask; `tasks` is the
Celery task beat runs. The rules (save, pause, fire exactly once) live in
`orchestrator.services.schedules`, and each fire goes through the runtime's `ScheduleFire`.
"""
