"""Each patient's reminder channel and language.

SQLite rebuilds patients_patient to add these columns, which drops the name search's triggers
and the narrow id index of 0004: they are made again after, and after the reverse too.
"""

import importlib

from django.db import migrations, models

SEARCH = importlib.import_module("patients.migrations.0004_search_and_paging_indexes")
SQLITE_SEARCH_OBJECTS = [
    "DROP INDEX IF EXISTS patient_id_narrow_idx",
    "DROP TRIGGER IF EXISTS patient_name_search_update",
    "DROP TRIGGER IF EXISTS patient_name_search_delete",
    "DROP TRIGGER IF EXISTS patient_name_search_insert",
    *[s for s in SEARCH.SQL["sqlite"][0] if not s.startswith("CREATE VIRTUAL TABLE")],
]


def restore_sqlite_search(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_SEARCH_OBJECTS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0004_search_and_paging_indexes"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_search),
        migrations.AddField(
            model_name="historicalpatient",
            name="language",
            field=models.CharField(
                choices=[("en", "English"), ("cy", "Welsh")],
                default="en",
                help_text="The language of the patient's reminders.",
                max_length=2,
                verbose_name="language",
            ),
        ),
        migrations.AddField(
            model_name="historicalpatient",
            name="reminder_channel",
            field=models.CharField(
                choices=[
                    ("auto", "Automatic: SMS to a mobile number, else email, else none"),
                    ("sms", "SMS"),
                    ("email", "Email"),
                    ("none", "None: no reminders"),
                ],
                default="auto",
                max_length=5,
                verbose_name="reminder channel",
            ),
        ),
        migrations.AddField(
            model_name="patient",
            name="language",
            field=models.CharField(
                choices=[("en", "English"), ("cy", "Welsh")],
                default="en",
                help_text="The language of the patient's reminders.",
                max_length=2,
                verbose_name="language",
            ),
        ),
        migrations.AddField(
            model_name="patient",
            name="reminder_channel",
            field=models.CharField(
                choices=[
                    ("auto", "Automatic: SMS to a mobile number, else email, else none"),
                    ("sms", "SMS"),
                    ("email", "Email"),
                    ("none", "None: no reminders"),
                ],
                default="auto",
                max_length=5,
                verbose_name="reminder channel",
            ),
        ),
        migrations.AddConstraint(
            model_name="patient",
            constraint=models.CheckConstraint(
                condition=models.Q(("reminder_channel__in", ["auto", "sms", "email", "none"])),
                name="patient_reminder_channel_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="patient",
            constraint=models.CheckConstraint(
                condition=models.Q(("language__in", ["en", "cy"])), name="patient_language_valid"
            ),
        ),
        migrations.RunPython(restore_sqlite_search, migrations.RunPython.noop),
    ]
