from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0003_rollup_triggers"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReminderTrialReport",
            fields=[],
            options={
                "verbose_name": "reminder trial",
                "verbose_name_plural": "reminder trials",
                "proxy": True,
                "default_permissions": ("view",),
                "indexes": [],
                "constraints": [],
            },
            bases=("appointments.appointment",),
        ),
    ]
