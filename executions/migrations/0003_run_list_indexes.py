"""Indexes for the run list's filters.

- `wf_updated_idx`: sort by last change.
- PostgreSQL only (raw SQL, skipped on SQLite, where the embedded default's lists are small):
  `wf_input_gin_idx`, a jsonb_path_ops GIN index that serves `key=value` over the input
  (`input @> '{"key": value}'`), and `wf_id_pattern_idx`, which serves a workflow-id prefix
  (`LIKE 'abc%'` cannot use the primary key's index outside the C collation).
"""

from typing import Any

from django.db import migrations, models

PG_INDEXES = [
    ("wf_input_gin_idx", "CREATE INDEX IF NOT EXISTS wf_input_gin_idx ON executions_workflow "
                         "USING gin (input jsonb_path_ops)"),
    ("wf_id_pattern_idx", "CREATE INDEX IF NOT EXISTS wf_id_pattern_idx ON executions_workflow "
                          "(id varchar_pattern_ops)"),
]


def create_pg_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for _, sql in PG_INDEXES:
        schema_editor.execute(sql)


def drop_pg_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in PG_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("executions", "0002_dynamic_tasks"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="workflow",
            index=models.Index(fields=["-update_time", "-id"], name="wf_updated_idx"),
        ),
        migrations.RunPython(create_pg_indexes, drop_pg_indexes),
    ]
