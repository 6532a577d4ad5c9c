from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_initial"),
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
