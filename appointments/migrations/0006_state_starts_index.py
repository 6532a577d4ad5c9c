"""The list filtered by status and a range of starts, in its order: an index on
(state, starts_at, id, ends_at). PostgreSQL builds it CONCURRENTLY, so that an upgrade does not
hold up bookings for as long as the build of an index over every appointment takes."""

from django.db import migrations, models

INDEX = models.Index(
    fields=["state", "starts_at", "id", "ends_at"], name="appointment_state_starts_idx"
)


def _options(schema_editor) -> dict:
    return {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}


def add_index(apps, schema_editor):
    model = apps.get_model("appointments", "Appointment")
    schema_editor.add_index(model, INDEX, **_options(schema_editor))


def remove_index(apps, schema_editor):
    model = apps.get_model("appointments", "Appointment")
    schema_editor.remove_index(model, INDEX, **_options(schema_editor))


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("appointments", "0005_labels"),
        ("clinicians", "0003_labels"),
        ("organisations", "0002_labels"),
        ("patients", "0003_labels"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_index, remove_index)],
            state_operations=[migrations.AddIndex(model_name="appointment", index=INDEX)],
        ),
    ]
