"""Email bodies may hold line breaks (paragraphs); other control characters stay refused."""

from django.db import migrations, models

import reminders.models


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0003_variant_weight_zero_retires"),
    ]

    operations = [
        migrations.AlterField(
            model_name="remindervariant",
            name="email_body_cy",
            field=models.TextField(
                blank=True,
                validators=[
                    reminders.models.reject_control_characters_but_line_breaks,
                    reminders.models.validate_placeholders,
                ],
                verbose_name="email body (Welsh)",
            ),
        ),
        migrations.AlterField(
            model_name="remindervariant",
            name="email_body_en",
            field=models.TextField(
                validators=[
                    reminders.models.reject_control_characters_but_line_breaks,
                    reminders.models.validate_placeholders,
                ],
                verbose_name="email body (English)",
            ),
        ),
    ]
