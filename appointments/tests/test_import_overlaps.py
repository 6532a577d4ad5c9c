"""Imported history is kept as it came: overlapping rows are imported and reported."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from appointments.importer import import_appointments, import_patients
from appointments.models import Appointment, Overlap
from appointments.services import appointment_create
from appointments.tests.test_import import appointment_row, patient_row
from clinicians.models import Clinician, Department
from patients.models import Patient

pytestmark = pytest.mark.django_db
A, B, C, D = (f"00000000-0000-4000-8000-00000000000{n}" for n in range(1, 5))


@pytest.fixture(autouse=True)
def patients():
    import_patients([patient_row(), patient_row(nhs_number="2425895140", name="Bo")])


def rows():
    """Row 2 overlaps row 1 (the same clinician); row 3 only touches row 2's end; row 4 overlaps
    row 1 by its patient but is cancelled, so it does not count."""
    return [
        appointment_row(id=A, time="2020-01-21T16:30:00+00:00", duration="30m"),
        appointment_row(
            id=B, patient="2425895140", time="2020-01-21T16:45:00+00:00", duration="30m"
        ),
        appointment_row(id=C, time="2020-01-21T17:15:00+00:00", clinician="Dr B"),
        appointment_row(id=D, status="cancelled", time="2020-01-21T16:40:00+00:00"),
    ]


@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_overlapping_rows_are_imported_and_the_later_one_reported(batch_size):
    report = import_appointments(rows(), batch_size=batch_size)
    assert report.counts["created"] == 4
    assert not report.rejected
    assert report.overlapping == [
        (
            2,
            B,
            f"The clinician already has an appointment at this time: {A}, "
            "from Tue 21 Jan 2020 16:30 to 17:00 GMT.",
        )
    ]
    assert set(Appointment.objects.values_list("overlap", flat=True)) == {Overlap.IMPORTED}


def stored_before(starts_at: dt.datetime, duration: dt.timedelta):
    """An appointment booked before the import, for the first patient, with Dr C."""
    return appointment_create(
        patient=Patient.objects.get(nhs_number="9434765919"),
        starts_at=starts_at,
        duration=duration,
        clinician=Clinician.objects.create(name="Dr C"),
        department=Department.objects.create(name="Dermatology"),
        postcode="M1 1AE",
    )


def test_an_overlap_with_an_appointment_stored_before_is_reported():
    stored = stored_before(dt.datetime(2040, 1, 1, 9, 0, tzinfo=dt.UTC), dt.timedelta(minutes=30))
    report = import_appointments(
        [appointment_row(id=A, status="active", time="2040-01-01T09:10:00+00:00")]
    )
    assert [(number, key) for number, key, _ in report.overlapping] == [(1, A)]
    assert str(stored.pk) in report.overlapping[0][2]
    assert "The patient already has" in report.overlapping[0][2]


def test_the_command_prints_the_overlaps(tmp_path):
    path = tmp_path / "appointments.json"
    path.write_text(json.dumps(rows()))
    out = io.StringIO()
    call_command("import_panda", appointments=str(path), stdout=out, stderr=io.StringIO())
    assert (
        f"appointments row 2 ({B}): imported, but it overlaps: The clinician already has an "
        f"appointment at this time: {A}, from Tue 21 Jan 2020 16:30 to 17:00 GMT."
    ) in out.getvalue()
    assert "appointments: 4 created, 0 updated, 0 unchanged, 0 rejected" in out.getvalue()


@pytest.mark.parametrize("batch_size", [1, 1000])
def test_a_long_appointment_is_found_however_long_before_it_starts(batch_size):
    """The look-up is bounded by the longest duration stored before each row: a long
    appointment, stored before or an earlier row, is found hours before the row it overlaps."""
    stored = stored_before(dt.datetime(2040, 1, 1, 8, 0, tzinfo=dt.UTC), dt.timedelta(hours=8))
    report = import_appointments(
        [
            # Overlaps the stored eight-hour appointment by its patient, 7 h 50 min after it starts.
            appointment_row(id=A, status="active", time="2040-01-01T15:50:00+00:00"),
            # Ten hours with Dr B, then a row inside it, 9 hours later.
            appointment_row(
                id=B,
                patient="2425895140",
                clinician="Dr B",
                time="2041-01-01T08:00:00+00:00",
                duration="10h",
                status="active",
            ),
            appointment_row(
                id=C,
                patient="2425895140",
                clinician="Dr B",
                time="2041-01-01T17:00:00+00:00",
                status="active",
            ),
        ],
        batch_size=batch_size,
    )
    assert [(number, key) for number, key, _ in report.overlapping] == [(1, A), (3, C)]
    assert str(stored.pk) in report.overlapping[0][2]
    assert f"The clinician already has an appointment at this time: {B}" in report.overlapping[1][2]


def test_overlaps_go_to_the_callback_as_they_are_found():
    found = []
    report = import_appointments(rows(), on_overlap=lambda *overlap: found.append(overlap))
    assert [(number, key) for number, key, _ in found] == [(2, B)]
    assert report.overlapping == []


def test_the_table_of_rows_created_is_gone_after_the_import():
    from django.db import DatabaseError, connection, transaction

    from appointments.import_overlaps import TABLE

    import_appointments(rows())
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {TABLE}")
