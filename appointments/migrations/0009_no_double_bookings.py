"""No double bookings, backed by the database where it can be.

First, appointments that already overlap another of their clinician's or patient's (history from
before the rule) are marked ``imported``: kept as they are, and not held to the rule. Then, on
PostgreSQL only, two exclusion constraints refuse a checked, occupying (active or attended)
appointment whose time overlaps another's of the same clinician or patient; they need the
btree_gist extension, which this creates if it may. Where it may not (an unprivileged user on a
server without it), the constraints are left out with a warning and the services' checks, which
lock the clinician and the patient first, still hold the rule. On other databases the second step
does nothing.
"""

import datetime as dt
import sys

from django.db import DatabaseError, migrations, transaction
from django.db.models import Exists, OuterRef

MAX_DURATION = dt.timedelta(hours=24)
OCCUPYING = ("active", "attended")
CONSTRAINTS = {
    "appointment_no_clinician_overlap": "clinician_id",
    "appointment_no_patient_overlap": "patient_id",
}


def mark_existing_overlaps(apps, schema_editor):
    Appointment = apps.get_model("appointments", "Appointment")
    occupying = Appointment.objects.using(schema_editor.connection.alias).filter(
        state__in=OCCUPYING
    )
    overlapping = set()
    for party in ("clinician", "patient"):
        clash = occupying.filter(
            **{party: OuterRef(party)},
            starts_at__lt=OuterRef("ends_at"),
            starts_at__gt=OuterRef("starts_at") - MAX_DURATION,
            ends_at__gt=OuterRef("starts_at"),
        ).exclude(pk=OuterRef("pk"))
        overlapping |= set(occupying.filter(Exists(clash)).values_list("pk", flat=True))
    ids = sorted(overlapping)
    for start in range(0, len(ids), 500):
        occupying.filter(pk__in=ids[start : start + 500]).update(overlap="imported")


def _btree_gist_available(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'btree_gist'")
        if cursor.fetchone():
            return True
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    except DatabaseError as error:
        sys.stderr.write(
            "\n  Warning: the btree_gist extension could not be created "
            f"({str(error).strip()}); the double-booking exclusion constraints are left out. "
            "A superuser can run CREATE EXTENSION btree_gist and migrate again from 0007.\n"
        )
        return False
    return True


def add_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql" or not _btree_gist_available(schema_editor):
        return
    table = schema_editor.quote_name(apps.get_model("appointments", "Appointment")._meta.db_table)
    for name, column in CONSTRAINTS.items():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {schema_editor.quote_name(name)} "
            f"EXCLUDE USING gist ({schema_editor.quote_name(column)} WITH =, "
            "tstzrange(starts_at, ends_at, '[)') WITH &&) "
            "WHERE (state IN ('active', 'attended') AND overlap = 'checked')"
        )


def remove_constraints(apps, schema_editor):
    # The extension stays: other things may use it, and it costs nothing.
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("appointments", "Appointment")._meta.db_table)
    for name in CONSTRAINTS:
        schema_editor.execute(
            f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {schema_editor.quote_name(name)}"
        )


class Migration(migrations.Migration):
    dependencies = [("appointments", "0008_overlap_and_undo_attend")]

    operations = [
        migrations.RunPython(mark_existing_overlaps, migrations.RunPython.noop),
        migrations.RunPython(add_constraints, remove_constraints),
    ]
