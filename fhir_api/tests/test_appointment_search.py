"""Searching appointments: patient, patient:identifier, practitioner, status, date and _id."""

import datetime as dt

import pytest

from appointments.tests.factories import AppointmentFactory
from clinicians.tests.factories import ClinicianFactory
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
NHS = "https://fhir.nhs.uk/Id/nhs-number"


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.fixture
def by_time():
    """Appointments in 2030 (all booked), keyed by name; times in UTC, London is an hour ahead."""
    patient = PatientFactory(nhs_number="9434765919")
    return {
        "may": AppointmentFactory(patient=patient, starts_at=at(2030, 5, 31, 12, 0)),
        # 09:00 and 23:30 on 4 June in London.
        "morning": AppointmentFactory(patient=patient, starts_at=at(2030, 6, 4, 8, 0)),
        "late": AppointmentFactory(patient=patient, starts_at=at(2030, 6, 4, 22, 30)),
        # 00:30 on 5 June in London, though still 4 June in UTC.
        "after_midnight": AppointmentFactory(patient=patient, starts_at=at(2030, 6, 4, 23, 30)),
        "july": AppointmentFactory(patient=patient, starts_at=at(2030, 7, 1, 12, 0)),
    }


def found(fhir, by_time, query) -> set[str]:
    ids = set(fhir.search("Appointment", query))
    return {name for name, appointment in by_time.items() if str(appointment.pk) in ids}


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2030-06-04", {"morning", "late"}),
        ("eq2030-06-04", {"morning", "late"}),
        ("ne2030-06-04", {"may", "after_midnight", "july"}),
        ("lt2030-06-04", {"may"}),
        ("eb2030-06-04", {"may"}),
        ("gt2030-06-04", {"after_midnight", "july"}),
        ("sa2030-06-04", {"after_midnight", "july"}),
        ("le2030-06-04", {"may", "morning", "late"}),
        ("ge2030-06-04", {"morning", "late", "after_midnight", "july"}),
        ("2030-06", {"morning", "late", "after_midnight"}),
        ("2030", {"may", "morning", "late", "after_midnight", "july"}),
        ("2029", set()),
        ("2030-06-04T09:00:00+01:00", {"morning"}),
        ("2030-06-04T08:00:00Z", {"morning"}),
        ("2030-06-04T09:00+01:00", {"morning"}),
        ("gt2030-06-04T09:00:00+01:00", {"late", "after_midnight", "july"}),
        ("ge2030-06-04T09:00:00+01:00", {"morning", "late", "after_midnight", "july"}),
        ("lt2030-06-04T09:00:00+01:00", {"may"}),
        ("le2030-06-04T09:00:00+01:00", {"may", "morning"}),
        ("ne2030-06-04T09:00:00+01:00", {"may", "late", "after_midnight", "july"}),
        ("sa2030-06-04T23:30:00Z", {"july"}),
        ("eb2030-06-04T22:30:00.000Z", {"may", "morning"}),
        ("2030-06-04,2030-07", {"morning", "late", "july"}),
    ],
)
def test_date_search_with_each_prefix_and_precision(fhir, by_time, date, expected):
    assert found(fhir, by_time, {"date": date}) == expected


def test_date_range_is_two_parameters_anded(fhir, by_time):
    query = "date=ge2030-06-01&date=lt2030-06-05"
    assert found(fhir, by_time, query) == {"morning", "late"}


def test_a_day_is_a_day_in_london_even_when_the_clocks_go_forward(fhir):
    # On Sunday 31 March 2030 the clocks go forward at 01:00 GMT: that day is 23 hours long.
    saturday_night = AppointmentFactory(starts_at=at(2030, 3, 30, 23, 30))  # 23:30 GMT
    sunday = AppointmentFactory(starts_at=at(2030, 3, 31, 0, 30))  # 00:30 GMT
    monday = AppointmentFactory(starts_at=at(2030, 3, 31, 23, 30))  # 00:30 BST on 1 April

    assert fhir.search("Appointment", {"date": "2030-03-30"}) == [str(saturday_night.pk)]
    assert fhir.search("Appointment", {"date": "2030-03-31"}) == [str(sunday.pk)]
    assert fhir.search("Appointment", {"date": "2030-04-01"}) == [str(monday.pk)]


def test_approximate_prefix_is_refused_as_not_supported(fhir, by_time):
    fhir.error("/fhir/R4/Appointment", {"date": "ap2030-06-04"}, code="not-supported")


@pytest.mark.parametrize(
    "date",
    [
        "xx2030-06-04",
        "2030-06-04T09:00:00",
        "2030-06-31",
        "2030-06-04T25:00:00Z",
        "2030-06-04T09:00:00+15:00",
        "June 2030",
        "9999-12-31",
        "0000",
    ],
)
def test_bad_date_is_refused(fhir, by_time, date):
    assert fhir.error("/fhir/R4/Appointment", {"date": date})


@pytest.fixture
def two_patients():
    sian = PatientFactory(nhs_number="9434765919")
    brian = PatientFactory(nhs_number="4010232137")
    return {
        "sian": AppointmentFactory(patient=sian),
        "brian": AppointmentFactory(patient=brian),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"patient": "Patient/9434765919"}, {"sian"}),
        ({"patient": "9434765919"}, {"sian"}),
        ({"patient": "http://testserver/fhir/R4/Patient/9434765919"}, {"sian"}),
        ({"patient": "Patient/9434765919,Patient/4010232137"}, {"sian", "brian"}),
        ({"patient": "Patient/9434765918"}, set()),
        ({"patient:identifier": f"{NHS}|9434765919"}, {"sian"}),
        ({"patient:identifier": "4010232137"}, {"brian"}),
        ({"patient:identifier": "https://example.org/other|9434765919"}, set()),
    ],
)
def test_patient_search(fhir, two_patients, query, expected):
    assert found(fhir, two_patients, query) == expected


def test_patient_reference_to_another_resource_type_is_refused(fhir, two_patients):
    assert "Patient" in fhir.error("/fhir/R4/Appointment", {"patient": "Practitioner/1"})


def test_practitioner_search_finds_the_clinicians_appointments(fhir):
    clinician = ClinicianFactory()
    mine = AppointmentFactory(clinician=clinician)
    AppointmentFactory()

    assert fhir.search("Appointment", {"practitioner": f"Practitioner/{clinician.pk}"}) == [
        str(mine.pk)
    ]
    assert fhir.search("Appointment", {"practitioner": "Practitioner/abc"}) == []


@pytest.fixture
def by_status():
    return {
        "booked": AppointmentFactory(),
        "fulfilled": AppointmentFactory(attended=True, ended=True),
        "cancelled": AppointmentFactory(cancelled=True),
        "noshow": AppointmentFactory(ended=True),
    }


@pytest.mark.parametrize("status", ["booked", "fulfilled", "cancelled", "noshow"])
def test_status_search_finds_exactly_that_status(fhir, by_status, status):
    bundle = fhir.get("/fhir/R4/Appointment", {"status": status})

    assert [entry["resource"]["id"] for entry in bundle["entry"]] == [str(by_status[status].pk)]
    assert bundle["entry"][0]["resource"]["status"] == status


def test_status_search_with_several_codes_finds_any_of_them(fhir, by_status):
    assert found(fhir, by_status, {"status": "booked,noshow"}) == {"booked", "noshow"}


@pytest.mark.parametrize("status", ["proposed", "arrived", "checked-in", "entered-in-error"])
def test_fhir_statuses_panda_never_holds_find_nothing(fhir, by_status, status):
    assert fhir.search("Appointment", {"status": status}) == []


def test_unknown_status_is_refused(fhir, by_status):
    assert "noshow" in fhir.error("/fhir/R4/Appointment", {"status": "missed"})


def test_patient_status_and_date_combine(fhir):
    patient = PatientFactory(nhs_number="9434765919")
    wanted = AppointmentFactory(patient=patient, starts_at=at(2030, 6, 4, 8, 0))
    AppointmentFactory(patient=patient, starts_at=at(2030, 6, 4, 9, 0), cancelled=True)
    AppointmentFactory(patient=patient, starts_at=at(2030, 8, 4, 9, 0))
    AppointmentFactory(starts_at=at(2030, 6, 4, 8, 0))

    query = "patient=Patient/9434765919&status=booked&date=ge2030-06-01&date=lt2030-07-01"
    assert fhir.search("Appointment", query) == [str(wanted.pk)]


def test_id_search_finds_the_appointment(fhir, two_patients):
    appointment = two_patients["sian"]
    assert fhir.search("Appointment", {"_id": str(appointment.pk)}) == [str(appointment.pk)]
    assert fhir.search("Appointment", {"_id": "not-a-uuid"}) == []
