"""Reminders in the back office, and the patient's reminder settings in the API."""

import datetime as dt

import pytest
from django.utils import timezone

from patients.models import Patient

pytestmark = pytest.mark.django_db


def test_an_appointments_reminders_show_read_only_on_its_page(admin_client, book):
    appointment = book(timezone.now() + dt.timedelta(days=6))
    page = admin_client.get(f"/admin/appointments/appointment/{appointment.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "reminders-TOTAL_FORMS" in html
    assert html.count("Scheduled: waiting for its time") == 2
    assert 'name="reminders-0-state"' not in html  # read-only: no input


def test_reminder_variants_can_be_listed_and_opened(admin_client):
    assert admin_client.get("/admin/reminders/remindervariant/").status_code == 200
    assert admin_client.get("/admin/reminders/remindervariant/1/change/").status_code == 200


def test_a_patients_reminder_channel_and_language_are_in_the_api(api):
    body = {
        "nhs_number": "9434765919",
        "name": "Siân Jones",
        "date_of_birth": "1980-01-01",
        "postcode": "CF10 1EP",
        "reminder_channel": "email",
        "language": "cy",
    }
    created = api.post("/api/v1/patients/", body)
    assert created.status_code == 201
    assert (created.json()["reminder_channel"], created.json()["language"]) == ("email", "cy")
    patient = Patient.objects.get()
    assert (patient.reminder_channel, patient.language) == ("email", "cy")
    plain = {k: v for k, v in body.items() if k not in ("reminder_channel", "language")}
    defaults = api.post("/api/v1/patients/", plain | {"nhs_number": "4010232137"})
    assert (defaults.json()["reminder_channel"], defaults.json()["language"]) == ("auto", "en")


@pytest.mark.parametrize(("field", "value"), [("reminder_channel", "fax"), ("language", "fr")])
def test_an_unknown_channel_or_language_is_refused(api, field, value):
    body = {
        "nhs_number": "9434765919",
        "name": "Siân Jones",
        "date_of_birth": "1980-01-01",
        "postcode": "CF10 1EP",
        field: value,
    }
    response = api.post("/api/v1/patients/", body)
    assert response.status_code == 400
    assert response.json()["errors"][field][0]["code"] == "invalid_choice"
