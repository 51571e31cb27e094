# N-of-M approvals (one vote per user and task) and the reassign permission.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("humantasks", "0002_due_escalation"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="humantask",
            options={"permissions": [("reassign_humantask",
                                      "Can reassign a human task of one's groups to another eligible user")]},
        ),
        migrations.AddField(
            model_name="humantask",
            name="voters",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.CreateModel(
            name="HumanApproval",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("username", models.CharField(max_length=150)),
                ("at", models.DateTimeField()),
                ("approve", models.BooleanField()),
                ("data", models.JSONField(blank=True, default=dict)),
                ("reason", models.TextField(blank=True, default="")),
                ("by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                                         to=settings.AUTH_USER_MODEL)),
                ("task", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="votes",
                                           to="humantasks.humantask")),
            ],
            options={
                "ordering": ["at", "id"],
                "constraints": [models.UniqueConstraint(fields=("task", "username"), name="humanapproval_one_vote")],
            },
        ),
    ]
