"""The import of the client's exchange format, with the example data in data/."""

import datetime as dt
import json
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from appointments.importer import import_appointments, import_patients
from appointments.models import Appointment
from clinicians.models import Clinician, Department
from patients.models import Patient
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
DATA = Path(settings.BASE_DIR) / "data"
PATIENTS = DATA / "example_patients.json"
APPOINTMENTS = DATA / "example_appointments.json"


# The example file's 100 rows, all in the past: 43 active and 16 marked missed have all ended, so
# PANDA shows them missed; 33 attended and 8 cancelled stay as they are. Worked out by hand from
# the file, and written out so that a change in PANDA's rule cannot also change the expectation.
EXAMPLE_STATUSES = Counter({"missed": 59, "attended": 33, "cancelled": 8})
# Any instant after the file's last appointment gives the same statuses; one is fixed here.
AFTER_THE_FILE = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def import_example(stdout=None):
    call_command(
        "import_panda", patients=str(PATIENTS), appointments=str(APPOINTMENTS), stdout=stdout
    )


def test_the_example_data_imports_cleanly_with_the_counts_by_status(capsys):
    import_example()
    out = capsys.readouterr()
    assert "patients: 100 created, 0 updated, 0 unchanged, 0 rejected" in out.out
    assert "appointments: 100 created, 0 updated, 0 unchanged, 0 rejected" in out.out
    assert Patient.objects.count() == 100
    assert Appointment.objects.count() == 100
    now = AFTER_THE_FILE
    shown = Counter(a.status_at(now) for a in Appointment.objects.all())
    assert shown == EXAMPLE_STATUSES
    for status, count in EXAMPLE_STATUSES.items():
        assert Appointment.objects.with_status(status, now).count() == count
    assert Department.objects.count() == len(
        {r["department"] for r in json.loads(APPOINTMENTS.read_text())}
    )
    assert Clinician.objects.count() == len(
        {r["clinician"] for r in json.loads(APPOINTMENTS.read_text())}
    )


def test_imported_rows_keep_their_ids_names_and_instants():
    import_example()
    for row in json.loads(APPOINTMENTS.read_text())[:10]:
        appointment = Appointment.objects.get(pk=uuid.UUID(row["id"]))
        assert appointment.starts_at == dt.datetime.fromisoformat(row["time"])
        assert appointment.patient.nhs_number == row["patient"]
        assert appointment.clinician.name == row["clinician"]
    for row in json.loads(PATIENTS.read_text()):
        patient = Patient.objects.get(nhs_number=row["nhs_number"])
        assert patient.name == row["name"]
        assert patient.postcode == row["postcode"]
        assert patient.date_of_birth.isoformat() == row["date_of_birth"]


def test_a_second_import_changes_nothing(capsys):
    import_example()
    before = sorted(Appointment.objects.values_list("pk", "state", "updated_at"))
    import_example()
    out = capsys.readouterr().out
    assert "patients: 0 created, 0 updated, 100 unchanged, 0 rejected" in out
    assert "appointments: 0 created, 0 updated, 100 unchanged, 0 rejected" in out
    assert sorted(Appointment.objects.values_list("pk", "state", "updated_at")) == before
    assert Clinician.objects.count() == len(
        {r["clinician"] for r in json.loads(APPOINTMENTS.read_text())}
    )


def patient_row(**overrides):
    return {
        "nhs_number": "9434765919",
        "name": "Ann",
        "date_of_birth": "1980-01-01",
        "postcode": "M1 1AE",
    } | overrides


def appointment_row(**overrides):
    return {
        "id": str(uuid.uuid4()),
        "patient": "9434765919",
        "status": "attended",
        "time": "2020-01-21T16:30:00+00:00",
        "duration": "15m",
        "clinician": "Dr A",
        "department": "oncology",
        "postcode": "UB5 6XQ",
    } | overrides


def test_bad_rows_are_reported_with_their_reason_and_the_rest_imported():
    report = import_patients(
        [
            patient_row(),
            patient_row(nhs_number="9434765918"),
            patient_row(nhs_number="2425895140", postcode="nowhere"),
            patient_row(nhs_number="2425895140", date_of_birth="1980-02-30"),
            "not an object",
            {"nhs_number": "2425895140"},
        ]
    )
    assert report.counts["created"] == 1
    assert report.counts["rejected"] == 5
    reasons = " | ".join(reason for _, _, reason in report.rejected)
    assert "check digit" in reasons
    assert "postcode" in reasons
    assert "date_of_birth" in reasons
    assert "Missing fields: name, date_of_birth, postcode" in reasons
    assert [number for number, _, _ in report.rejected] == [2, 3, 4, 5, 6]


def test_a_changed_patient_row_updates_the_patient():
    import_patients([patient_row()])
    report = import_patients([patient_row(name="Ann Jones", postcode="m11ae")])
    assert report.counts["updated"] == 1
    assert Patient.objects.get().name == "Ann Jones"


def test_a_missed_row_that_ends_in_the_future_is_refused_and_stores_nothing():
    import_patients([patient_row()])
    future = (timezone.now() + dt.timedelta(days=3)).isoformat()
    report = import_appointments(
        [appointment_row(status="missed", time=future, clinician="Dr Only Here", department="new")]
    )
    assert report.counts["rejected"] == 1
    assert "future" in report.rejected[0][2]
    assert not Appointment.objects.exists()
    assert not Clinician.objects.filter(name="Dr Only Here").exists()
    assert not Department.objects.filter(name="new").exists()


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"id": "not-a-uuid"}, "UUID"),
        ({"status": "lost"}, "status"),
        ({"patient": "2425895140"}, "No patient"),
        ({"time": "2020-01-21T16:30:00"}, "time zone"),
        ({"duration": "0m"}, "duration"),
        ({"postcode": "nowhere"}, "postcode"),
        ({"duration": 15}, "text"),
    ],
)
def test_bad_appointment_rows_are_rejected_with_a_reason(overrides, reason):
    import_patients([patient_row()])
    report = import_appointments([appointment_row(**overrides)])
    assert report.counts["rejected"] == 1
    assert reason in report.rejected[0][2]


def test_a_batch_finds_its_patients_however_their_nhs_numbers_are_written():
    import_patients([patient_row()])
    hour = dt.timedelta(hours=1)
    written = ["9434765919", "943 476 5919", "943-476-5919", "9434765918", "94347659190", "x"]
    # The first row makes the clinician known, so that the others go through the batch.
    rows = [
        appointment_row(patient=number, time=(AFTER_THE_FILE - (i + 1) * hour).isoformat())
        for i, number in enumerate(written)
    ]
    report = import_appointments(rows, now=AFTER_THE_FILE)
    assert report.counts["created"] == 3
    assert [(number, reason) for number, _, reason in report.rejected] == [
        (4, "patient: No patient has this NHS number."),
        (5, "patient: No patient has this NHS number."),
        (6, "patient: No patient has this NHS number."),
    ]
    assert Appointment.objects.filter(patient__nhs_number="9434765919").count() == 3


def test_a_batch_reads_its_patients_once_whatever_planning_their_reminders_needs():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reminders.models import Reminder

    patients = [
        PatientFactory(phone="07700 900123", email="a@example.org", language="cy") for _ in range(3)
    ]
    start = timezone.now() + dt.timedelta(days=30)
    rows = [
        appointment_row(
            patient=patients[i % 3].nhs_number,
            status="active",
            time=(start + dt.timedelta(hours=i)).isoformat(),
        )
        for i in range(12)
    ]
    with CaptureQueriesContext(connection) as queries:
        report = import_appointments(rows)
    assert report.counts["created"] == 12
    assert Reminder.objects.count() == 12 * len(settings.PANDA_REMINDER_OFFSETS)
    table = connection.ops.quote_name(Patient._meta.db_table)
    reads = [query["sql"] for query in queries if f"FROM {table}" in query["sql"]]
    # The first row, which brings a new clinician, alone; then the other 11 together.
    assert len(reads) == 2, reads


def test_a_row_that_contradicts_a_stored_appointment_is_rejected():
    import_patients([patient_row()])
    row = appointment_row()
    import_appointments([row])
    report = import_appointments([row | {"status": "cancelled"}])
    assert report.counts["rejected"] == 1
    assert "status" in report.rejected[0][2]


@pytest.mark.parametrize("status", ["active", "attended"])
def test_a_stored_cancelled_appointment_is_never_reinstated_by_a_reimport(status):
    import_patients([patient_row()])
    row = appointment_row(status="cancelled", time="2031-01-21T16:30:00+00:00")
    assert import_appointments([row]).counts["created"] == 1

    report = import_appointments([row | {"status": status}])

    assert (report.counts["rejected"], report.counts["updated"]) == (1, 0)
    assert report.rejected[0][2] == "An appointment with this id exists with different status."
    stored = Appointment.objects.get(pk=row["id"])
    assert (stored.state, stored.attended_at) == ("cancelled", None)


def test_the_command_needs_a_file_and_reports_unreadable_ones(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_panda")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_panda", patients=str(tmp_path / "missing.json"))
    broken = tmp_path / "broken.json"
    broken.write_text('{"not": "an array"')
    with pytest.raises(CommandError):
        call_command("import_panda", patients=str(broken))


def test_if_empty_skips_a_database_that_holds_patients(capsys):
    import_patients([patient_row()])
    call_command("import_panda", "--if-empty", patients=str(PATIENTS))
    assert Patient.objects.count() == 1
