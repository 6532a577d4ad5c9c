"""A grain's days read from one index: ``(grain, day)`` and ``(grain, department_id, day)``
become indexes of every column of the rollup's days, so that a year of days per clinician
(73,000 rows), or per clinician of one department, is read from the index alone, without looking
each row up in the table again. Each new index is built before its old one is dropped, so that
the rollup's deletions by grain and day always have one; PostgreSQL builds and drops them
CONCURRENTLY, so that an upgrade does not hold up the rollup's writes."""

from django.db import migrations, models

FIGURES = ["booked", "attended", "cancelled", "missed", "lost"]
OLD = models.Index(fields=["grain", "day"], name="rollup_grain_day_idx")
NEW = models.Index(
    fields=["grain", "day", "clinician_id", "department_id", "site_id", *FIGURES],
    name="rollup_grain_day_figures_idx",
)
OLD_DEPARTMENT = models.Index(
    fields=["grain", "department_id", "day"], name="rollup_department_idx"
)
NEW_DEPARTMENT = models.Index(
    fields=["grain", "department_id", "day", "clinician_id", "site_id", *FIGURES],
    name="rollup_department_figures_idx",
)


def _options(schema_editor) -> dict:
    return {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}


def _swap(*pairs: tuple[models.Index, models.Index]):
    """Add each pair's first index, then remove its second."""

    def swap(apps, schema_editor):
        model = apps.get_model("analytics", "DayFigures")
        for added, removed in pairs:
            schema_editor.add_index(model, added, **_options(schema_editor))
            schema_editor.remove_index(model, removed, **_options(schema_editor))

    return swap


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("analytics", "0006_rollup_mark_once_per_transaction"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunPython(
                    _swap((NEW, OLD), (NEW_DEPARTMENT, OLD_DEPARTMENT)),
                    _swap((OLD, NEW), (OLD_DEPARTMENT, NEW_DEPARTMENT)),
                )
            ],
            state_operations=[
                migrations.RemoveIndex(model_name="dayfigures", name="rollup_grain_day_idx"),
                migrations.AddIndex(model_name="dayfigures", index=NEW),
                migrations.RemoveIndex(model_name="dayfigures", name="rollup_department_idx"),
                migrations.AddIndex(model_name="dayfigures", index=NEW_DEPARTMENT),
            ],
        ),
    ]
