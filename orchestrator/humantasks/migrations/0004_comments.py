# Comments on human tasks (numbered 0004 on its branch; the lead renumbers at merge).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("humantasks", "0003_approvals"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HumanComment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("task_id", models.CharField(db_index=True, max_length=64)),
                ("author_name", models.CharField(help_text="Kept when the user is deleted.", max_length=150)),
                ("text", models.TextField()),
                ("created", models.DateTimeField()),
                ("author", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                             related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={"ordering": ["created", "id"]},
        ),
    ]
