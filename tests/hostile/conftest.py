"""Fixtures of the hostile-input catalogue: valid requests to spoil, and a guard that nothing was
stored."""

import pytest

from addresses.models import Address
from appointments.models import Appointment
from clinicians.models import Clinician, Department
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from patients.models import Patient
from patients.tests.factories import PatientFactory

MODELS = (Patient, Appointment, Address, Clinician, Department)
NHS_NUMBER = "9434765919"  # the patient that `world` registers
NEW_NHS_NUMBER = "4010232137"  # valid, and free


@pytest.fixture
def world(db):
    """One patient, clinician and department, to refer to."""
    return {
        "patient": PatientFactory(nhs_number=NHS_NUMBER),
        "clinician": ClinicianFactory(),
        "department": DepartmentFactory(),
    }


@pytest.fixture
def valid(world):
    """A valid body for each writable endpoint, by name."""
    return {
        "patients": {
            "nhs_number": NEW_NHS_NUMBER,
            "name": "Ada Lovelace",
            "date_of_birth": "1985-03-14",
            "postcode": "SW1A 1AA",
            "phone": "020 7946 0958",
            "email": "ada@example.org",
        },
        "appointments": {
            "patient": NHS_NUMBER,
            "starts_at": "2031-06-04T16:30:00+01:00",
            "duration": "30m",
            "clinician": world["clinician"].pk,
            "department": world["department"].pk,
            "postcode": "SW1A 1AA",
        },
        "addresses": {
            "line1": "1 Example Street",
            "line2": "Flat 2",
            "line3": "Old Town",
            "town": "London",
            "county": "Greater London",
            "postcode": "SW1A 1AA",
            "country": "United Kingdom",
        },
        "clinicians": {"name": "Dr Grace Hopper", "registration_number": "GMC1234567"},
        "departments": {"name": "Rheumatology"},
    }


URLS = {
    "patients": "/api/v1/patients/",
    "appointments": "/api/v1/appointments/",
    "addresses": f"/api/v1/patients/{NHS_NUMBER}/addresses/",
    "clinicians": "/api/v1/clinicians/",
    "departments": "/api/v1/departments/",
}


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def nothing_stored(world):
    """Assert, after the test, that no row was added, changed or removed."""
    before = counts()
    patient = Patient.objects.values().get(nhs_number=NHS_NUMBER)
    yield
    assert counts() == before
    assert Patient.objects.values().get(nhs_number=NHS_NUMBER) == patient
