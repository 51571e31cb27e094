# The inbox's incremental sync reads the HUMAN tasks changed since its last read (syncing.py): a
# partial index on executions_task, made here because only the inbox needs it. Plain SQL (the
# table belongs to the executions app); the same statement works on PostgreSQL and SQLite.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("humantasks", "0004_comments"),
        ("executions", "0005_run_list_saved_views_failed_tasks"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS task_human_changed_idx ON executions_task (update_time) "
            "WHERE task_type = 'HUMAN'",
            "DROP INDEX IF EXISTS task_human_changed_idx",
        ),
    ]
