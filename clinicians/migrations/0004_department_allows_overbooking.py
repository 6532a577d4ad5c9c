"""Whether a department lets a clinician's appointments overlap (off by default)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clinicians", "0003_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="department",
            name="allows_overbooking",
            field=models.BooleanField(
                default=False,
                help_text="Whether a clinician's appointments in this department may overlap one another.",
                verbose_name="allows overbooking",
            ),
        ),
    ]
