"""The appointment import works in batches; a batch behaves exactly like rows one at a time."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from appointments.importer import import_appointments
from appointments.models import Appointment, State
from clinicians.models import Clinician
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def _row(owner, **overrides) -> dict:
    starts = timezone.now() - dt.timedelta(days=10)
    return {
        "id": str(uuid.uuid4()),
        "patient": owner.nhs_number,
        "status": "attended",
        "time": starts.isoformat(),
        "duration": "30m",
        "clinician": "Dr Ada Lovelace",
        "department": "oncology",
        "postcode": "sw1a1aa",
    } | overrides


@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_rows_import_the_same_whatever_the_batch_size(batch_size):
    patient = PatientFactory()
    good = [_row(patient) for _ in range(4)]
    bad = _row(patient, duration="0m")
    report = import_appointments([good[0], bad, *good[1:]], batch_size=batch_size)
    assert report.counts["created"] == 4
    assert [(number, reason.split(":")[0]) for number, _, reason in report.rejected] == [
        (2, "duration")
    ]
    stored = Appointment.objects.get(pk=good[1]["id"])
    assert stored.state == State.ATTENDED and stored.postcode == "SW1A 1AA"
    assert stored.history.count() == 1


def test_an_id_repeated_within_one_batch_is_unchanged_or_refused():
    patient = PatientFactory()
    first = _row(patient)
    same, different = dict(first), first | {"duration": "45m"}
    report = import_appointments([first, same, different], batch_size=1000)
    assert (report.counts["created"], report.counts["unchanged"]) == (1, 1)
    assert [number for number, _, _ in report.rejected] == [3]
    assert "duration" in report.rejected[0][2]


def test_a_refused_row_leaves_no_new_clinician_behind():
    patient = PatientFactory()
    rows = [_row(patient, clinician="Dr New", duration="0m"), _row(patient)]
    report = import_appointments(rows, batch_size=1000)
    assert report.counts["created"] == 1
    assert not Clinician.objects.filter(name="Dr New").exists()


def test_a_second_import_of_a_batch_changes_nothing():
    patient = PatientFactory()
    rows = [_row(patient) for _ in range(3)]
    import_appointments(rows, batch_size=2)
    report = import_appointments(rows, batch_size=2)
    assert report.counts["unchanged"] == 3 and report.counts["created"] == 0
    assert Appointment.objects.count() == 3


def test_unknown_patients_and_bad_ids_are_rejected_in_a_batch():
    patient = PatientFactory()
    rows = [_row(patient, patient="9434765919"), _row(patient, id="nope"), _row(patient)]
    report = import_appointments(rows, batch_size=1000)
    assert report.counts["created"] == 1
    assert [number for number, _, _ in report.rejected] == [1, 2]


def _patient_row(nhs_number: str, **overrides) -> dict:
    row = {"nhs_number": nhs_number, "name": "Siân O'Brien", "date_of_birth": "1985-03-14"}
    return row | {"postcode": "sw1a1aa"} | overrides


@pytest.mark.parametrize("batch_size", [1, 1000])
def test_new_patients_are_created_searchable_and_audited_in_a_batch(api, batch_size):
    from appointments.importer import import_patients
    from patients.models import Patient

    rows = [
        _patient_row("943 476 5919"),
        _patient_row("9434765910"),  # bad check digit
        _patient_row("9434765919", name="Siân O'Brien-Jones"),  # the same patient, renamed
        _patient_row("401 023 2137", postcode="nowhere"),
    ]
    report = import_patients(rows, batch_size=batch_size)
    assert (report.counts["created"], report.counts["updated"]) == (1, 1)
    assert [number for number, _, _ in report.rejected] == [2, 4]
    patient = Patient.objects.get()
    assert (patient.name, patient.postcode) == ("Siân O'Brien-Jones", "SW1A 1AA")
    assert patient.history.count() == 2
    found = api.get("/api/v1/patients/", {"name": "sian obrien"}).json()["results"]
    assert [row["nhs_number"] for row in found] == ["9434765919"]
