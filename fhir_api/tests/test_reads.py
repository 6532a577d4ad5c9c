"""Reading one resource: Patient, Appointment, Practitioner and Organization, and their mapping."""

import datetime as dt

import pytest

from addresses.tests.factories import AddressFactory
from appointments.tests.factories import AppointmentFactory
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from organisations.models import Organisation, Site
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def test_patient_carries_identifier_name_birth_date_and_postcode(fhir):
    patient = PatientFactory(
        nhs_number="9434765919",
        name="Siân O'Brien-McKenzie",
        date_of_birth=dt.date(1985, 3, 14),
        postcode="SW1A 1AA",
    )

    resource = fhir.get("/fhir/R4/Patient/9434765919")

    assert resource["resourceType"] == "Patient"
    assert resource["id"] == "9434765919"
    assert resource["identifier"] == [
        {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}
    ]
    assert resource["name"] == [{"use": "official", "text": patient.name}]
    assert resource["birthDate"] == "1985-03-14"
    assert resource["address"] == [{"use": "home", "postalCode": "SW1A 1AA"}]
    assert resource["meta"]["profile"] == [
        "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"
    ]
    assert "telecom" not in resource


def test_patient_telecom_holds_phone_and_email_where_present(fhir):
    PatientFactory(nhs_number="9434765919", phone="+447700900123", email="sian@example.org")

    resource = fhir.get("/fhir/R4/Patient/9434765919")

    assert resource["telecom"] == [
        {"system": "phone", "value": "+447700900123"},
        {"system": "email", "value": "sian@example.org"},
    ]


def test_patient_is_found_by_a_spaced_nhs_number_too(fhir):
    PatientFactory(nhs_number="9434765919")

    assert fhir.get("/fhir/R4/Patient/943 476 5919")["id"] == "9434765919"


@pytest.mark.parametrize("id_", ["9434765918", "9434765910", "nonsense", "0" * 300])
def test_unknown_or_impossible_patient_is_a_404_operation_outcome(fhir, id_):
    PatientFactory(nhs_number="9434765919")

    assert fhir.error(f"/fhir/R4/Patient/{id_}", status=404, code="not-found")


def test_appointment_maps_times_duration_participants_and_department(fhir):
    appointment = AppointmentFactory(
        starts_at=dt.datetime(2030, 6, 4, 15, 30, tzinfo=dt.UTC),
        duration=dt.timedelta(minutes=90),
        postcode="SW1A 1AA",
        department=DepartmentFactory(name="oncology"),
    )

    resource = fhir.get(f"/fhir/R4/Appointment/{appointment.pk}")

    assert resource["id"] == str(appointment.pk)
    assert resource["status"] == "booked"
    # Shown in Europe/London with the offset, as the REST API shows them (BST in June).
    assert resource["start"] == "2030-06-04T16:30:00+01:00"
    assert resource["end"] == "2030-06-04T18:00:00+01:00"
    assert resource["minutesDuration"] == 90
    assert resource["serviceType"] == [{"text": "oncology"}]
    actors = [participant["actor"] for participant in resource["participant"]]
    assert actors == [
        {
            "reference": f"Patient/{appointment.patient.nhs_number}",
            "display": appointment.patient.name,
        },
        {
            "reference": f"Practitioner/{appointment.clinician.pk}",
            "display": appointment.clinician.name,
        },
        {"reference": "#location"},
    ]
    assert resource["contained"] == [
        {"resourceType": "Location", "id": "location", "address": {"postalCode": "SW1A 1AA"}}
    ]


def test_appointment_in_winter_carries_the_gmt_offset(fhir):
    appointment = AppointmentFactory(starts_at=dt.datetime(2030, 1, 15, 9, 0, tzinfo=dt.UTC))

    assert (
        fhir.get(f"/fhir/R4/Appointment/{appointment.pk}")["start"] == "2030-01-15T09:00:00+00:00"
    )


def test_appointment_at_a_site_names_the_site_and_its_organisation(fhir):
    trust = Organisation.objects.create(name="Royal Example Hospitals", ods_code="RJ1")
    site = Site.objects.create(name="St Example's", organisation=trust)
    appointment = AppointmentFactory(site=site, postcode="SE1 7EH")

    [location] = fhir.get(f"/fhir/R4/Appointment/{appointment.pk}")["contained"]

    assert location["name"] == "St Example's"
    assert location["managingOrganization"] == {
        "reference": f"Organization/organisation-{trust.pk}"
    }


@pytest.mark.parametrize(
    ("traits", "fhir_status"),
    [
        ({}, "booked"),
        ({"attended": True, "ended": True}, "fulfilled"),
        ({"cancelled": True}, "cancelled"),
        ({"ended": True}, "noshow"),
    ],
    ids=["active", "attended", "cancelled", "missed"],
)
def test_each_panda_status_maps_to_its_fhir_status(fhir, api, traits, fhir_status):
    appointment = AppointmentFactory(**traits)

    resource = fhir.get(f"/fhir/R4/Appointment/{appointment.pk}")

    assert resource["status"] == fhir_status
    rest_status = api.get(f"/api/v1/appointments/{appointment.pk}/").json()["status"]
    assert {"booked": "active", "fulfilled": "attended", "noshow": "missed"}.get(
        fhir_status, fhir_status
    ) == rest_status


@pytest.mark.parametrize("id_", ["0f5e1c1e-8a5e-4d5b-9c43-2f4b8a1d6e70", "not-a-uuid", "1"])
def test_unknown_appointment_is_a_404_operation_outcome(fhir, id_):
    AppointmentFactory()

    assert fhir.error(f"/fhir/R4/Appointment/{id_}", status=404, code="not-found")


def test_practitioner_is_a_clinician_with_their_registration_number(fhir):
    clinician = ClinicianFactory(name="Dr Jordan Lewis", registration_number="1234567")

    resource = fhir.get(f"/fhir/R4/Practitioner/{clinician.pk}")

    assert resource["name"] == [{"text": "Dr Jordan Lewis"}]
    assert resource["identifier"][0]["value"] == "1234567"


@pytest.mark.parametrize("id_", ["999999", "abc", "department-1", str(2**64)])
def test_unknown_practitioner_is_a_404_operation_outcome(fhir, id_):
    ClinicianFactory()

    assert fhir.error(f"/fhir/R4/Practitioner/{id_}", status=404, code="not-found")


def test_department_is_an_organization_of_type_dept_part_of_its_organisation(fhir):
    trust = Organisation.objects.create(name="Royal Example Hospitals", ods_code="RJ1")
    department = DepartmentFactory(name="oncology", organisation=trust)

    resource = fhir.get(f"/fhir/R4/Organization/department-{department.pk}")

    assert resource["id"] == f"department-{department.pk}"
    assert resource["name"] == "oncology"
    assert resource["type"][0]["coding"][0]["code"] == "dept"
    assert resource["partOf"] == {
        "reference": f"Organization/organisation-{trust.pk}",
        "display": "Royal Example Hospitals",
    }


def test_department_without_an_organisation_has_no_part_of(fhir):
    department = DepartmentFactory(name="oncology")

    assert "partOf" not in fhir.get(f"/fhir/R4/Organization/department-{department.pk}")


def test_organisation_carries_its_ods_code_and_addresses(fhir):
    trust = Organisation.objects.create(name="Royal Example Hospitals", ods_code="RJ1")
    AddressFactory(owner=trust, line1="1 Example Road", town="London", postcode="SE1 7EH")

    resource = fhir.get(f"/fhir/R4/Organization/organisation-{trust.pk}")

    assert resource["identifier"] == [
        {"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "RJ1"}
    ]
    assert resource["address"] == [
        {
            "line": ["1 Example Road"],
            "city": "London",
            "postalCode": "SE1 7EH",
            "country": "United Kingdom",
        }
    ]


@pytest.mark.parametrize("id_", ["department-999", "organisation-999", "999", "department-x"])
def test_unknown_organization_is_a_404_operation_outcome(fhir, id_):
    assert fhir.error(f"/fhir/R4/Organization/{id_}", status=404, code="not-found")
