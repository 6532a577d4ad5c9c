"""The audit trail: who changed a patient, an appointment or an address, when, and through
what; API changes and deletions included."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.authtoken.models import Token

from appointments.models import Appointment, State
from appointments.services import appointment_cancel
from appointments.tests.factories import AppointmentFactory
from backoffice.roles import RECEPTIONIST
from data_rights.services import erasure_check
from patients.models import Patient
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

NEW_PATIENT = {
    "nhs_number": "943 476 5919",
    "name": "Siân Jones",
    "date_of_birth": "1970-05-01",
    "postcode": "cf101aa",
}


def trail(model, pk) -> list[tuple[str, str | None, str]]:
    """(type, username, change reason) of each recorded version, oldest first."""
    records = model.history.filter(id=pk).order_by("history_date", "history_id")
    return [
        (
            r.history_type,
            r.history_user.username if r.history_user else None,
            r.history_change_reason or "",
        )
        for r in records.select_related("history_user")
    ]


def test_changes_through_the_open_api_are_recorded_as_api(api):
    assert api.post("/api/v1/patients/", NEW_PATIENT).status_code == 201
    patient = Patient.objects.get()
    assert api.patch("/api/v1/patients/9434765919/", {"name": "Siân Evans"}).status_code == 200
    assert trail(Patient, patient.pk) == [("+", None, "api"), ("~", None, "api")]
    assert patient.history.earliest().name == "Siân Jones"
    assert patient.history.latest().name == "Siân Evans"


def test_changes_through_the_api_with_a_token_record_the_user_too(api, settings):
    settings.PANDA_API_AUTH = "token"
    clerk = get_user_model().objects.create_user("clerk")
    clerk.groups.add(Group.objects.get(name=RECEPTIONIST))
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=clerk).key}")
    assert api.post("/api/v1/patients/", NEW_PATIENT).status_code == 201
    assert trail(Patient, Patient.objects.get().pk) == [("+", "clerk", "api")]


def test_appointment_state_changes_through_the_api_are_recorded(api):
    appointment = AppointmentFactory(in_progress=True)
    assert api.post(f"/api/v1/appointments/{appointment.pk}/attend/").status_code == 200
    records = list(Appointment.history.filter(id=appointment.pk).order_by("history_date"))
    assert [(r.history_type, r.state) for r in records] == [("+", "active"), ("~", "attended")]
    assert records[-1].history_change_reason == "api"
    assert records[-1].attended_at is not None


def test_a_refused_state_change_records_nothing():
    appointment = AppointmentFactory(cancelled=True)
    with pytest.raises(Exception, match="already cancelled"):
        appointment_cancel(appointment=appointment)
    assert Appointment.history.filter(id=appointment.pk).count() == 1


def test_a_reschedule_through_the_api_is_recorded(api):
    appointment = AppointmentFactory()
    later = dt.datetime(2040, 2, 29, 9, 0, tzinfo=dt.UTC)  # a fixed instant: a leap day, on purpose
    response = api.patch(
        f"/api/v1/appointments/{appointment.pk}/",
        {"starts_at": later.isoformat(), "duration": "1h"},
    )
    assert response.status_code == 200, response.json()
    latest = Appointment.history.filter(id=appointment.pk).latest()
    assert (latest.history_type, latest.starts_at, latest.history_change_reason) == (
        "~",
        later,
        "api",
    )


def test_a_deleted_patients_trail_is_erased_and_an_erasure_record_says_how(api):
    # Erasure (docs/data-rights.md): the trail held copies of the personal data.
    appointment = AppointmentFactory(patient=PatientFactory(nhs_number="9434765919"))
    patient = appointment.patient
    assert api.delete("/api/v1/patients/9434765919/").status_code == 204
    assert trail(Patient, patient.pk) == []
    assert not Appointment.history.filter(id=appointment.pk).exists()
    [record] = erasure_check("9434765919")
    assert (record.channel, record.user) == ("api", None)


def test_changes_in_the_admin_record_the_staff_user(admin_client, admin_user):
    appointment = AppointmentFactory()
    admin_client.post(
        reverse("admin:appointments_appointment_changelist"),
        {"action": "cancel_selected", "_selected_action": [str(appointment.pk)]},
    )
    latest = Appointment.history.filter(id=appointment.pk).latest()
    assert (latest.state, latest.history_user) == (State.CANCELLED, admin_user)
    assert not latest.history_change_reason


def test_the_history_page_shows_who_changed_a_patient(admin_client, admin_user, api):
    api.post("/api/v1/patients/", NEW_PATIENT)
    patient = Patient.objects.get()
    url = reverse("admin:patients_patient_change", args=[patient.pk])
    admin_client.post(
        url,
        {
            **NEW_PATIENT,
            "name": "Siân Evans",
            "phone": "",
            "email": "",
            **{
                f"{prefix}-{key}": value
                for prefix in ("addresses-address-content_type-object_id", "appointments")
                for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
            },
        },
    )
    history = admin_client.get(reverse("admin:patients_patient_history", args=[patient.pk]))
    assert history.status_code == 200
    shown = [(r.name, r.history_user, r.history_change_reason) for r in history.context["page_obj"]]
    assert shown == [("Siân Evans", admin_user, ""), ("Siân Jones", None, "api")]


def test_deleted_patients_leave_the_patient_history_list(admin_client, api):
    api.post("/api/v1/patients/", NEW_PATIENT)
    api.post("/api/v1/patients/", NEW_PATIENT | {"nhs_number": "401 023 2137"})
    api.delete("/api/v1/patients/9434765919/")
    response = admin_client.get(reverse("admin:patients_historicalpatient_changelist"))
    assert [r.nhs_number for r in response.context["cl"].result_list] == ["4010232137"]
