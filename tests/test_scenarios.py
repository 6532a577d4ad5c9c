"""Whole journeys through the API: register, book, then attend, miss or cancel."""

import datetime as dt

import pytest
from django.utils import timezone

from clinicians.tests.factories import ClinicianFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(api):
    patient = api.post(
        "/api/v1/patients/",
        {
            "nhs_number": "943 476 5919",
            "name": "Siân Jones",
            "date_of_birth": "1970-05-01",
            "postcode": "cf101aa",
        },
    )
    assert patient.status_code == 201
    return {
        "patient": patient.json(),
        "clinician": ClinicianFactory().pk,
        "department": DepartmentFactory().pk,
    }


def book(api, clinic, starts_at):
    response = api.post(
        "/api/v1/appointments/",
        {
            "patient": clinic["patient"]["nhs_number"],
            "starts_at": starts_at.isoformat(),
            "duration": "30m",
            "clinician": clinic["clinician"],
            "department": clinic["department"],
            "postcode": "CF10 1AA",
        },
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_register_book_and_attend(api, clinic, settings):
    settings.PANDA_CHECK_IN_OPENS = 15  # minutes before the start: ten minutes early is due
    appointment = book(api, clinic, timezone.now() + dt.timedelta(minutes=10))
    attended = api.post(f"{appointment['url']}attend/").json()
    assert attended["status"] == "attended"
    listed = api.get(clinic["patient"]["appointments_url"], {"status": "attended"}).json()
    assert [a["id"] for a in listed["results"]] == [appointment["id"]]
    assert api.post(f"{appointment['url']}cancel/").status_code == 409


def test_register_book_and_miss(api, clinic, monkeypatch):
    appointment = book(api, clinic, timezone.now() + dt.timedelta(minutes=10))
    later = timezone.now() + dt.timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: later)  # the appointment's end passes
    assert api.get(appointment["url"]).json()["status"] == "missed"
    missed = api.get("/api/v1/appointments/", {"status": "missed"}).json()
    assert [a["id"] for a in missed["results"]] == [appointment["id"]]
    assert api.post(f"{appointment['url']}attend/").json()["code"] == "appointment_missed"
    assert api.post(f"{appointment['url']}cancel/").json()["code"] == "appointment_missed"


def test_register_book_cancel_and_nothing_reinstates_it(api, clinic):
    appointment = book(api, clinic, timezone.now() + dt.timedelta(days=2))
    assert api.post(f"{appointment['url']}cancel/").json()["status"] == "cancelled"
    assert api.post(f"{appointment['url']}attend/").status_code == 409
    assert api.patch(appointment["url"], {"starts_at": "2040-01-01T10:00:00Z"}).status_code == 409
    assert api.patch(appointment["url"], {"status": "active"}).status_code == 400
    assert api.get(appointment["url"]).json()["status"] == "cancelled"


def test_deleting_the_patient_takes_their_appointments_and_addresses(api, clinic):
    appointment = book(api, clinic, timezone.now() + dt.timedelta(days=2))
    address_url = clinic["patient"]["addresses_url"]
    assert (
        api.post(
            address_url, {"line1": "1 Stryd", "town": "Caerdydd", "postcode": "CF10 1AA"}
        ).status_code
        == 201
    )
    assert api.delete(clinic["patient"]["url"]).status_code == 204
    assert api.get(appointment["url"]).status_code == 404
    assert api.get(address_url).status_code == 404
