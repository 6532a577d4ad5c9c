"""The right of access: everything about a patient in PANDA's JSON, from the API and the back
office, for clinic managers only when the API needs credentials; every export is recorded."""

import datetime as dt
import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token

from appointments.tests.factories import AppointmentFactory
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from data_rights.models import PatientExport
from patients.models import Patient
from patients.tests.factories import PatientFactory

from .conftest import patient_change

pytestmark = pytest.mark.django_db
NHS = "9434765919"
URL = f"/api/v1/patients/{NHS}/export/"
PATIENT = {
    "nhs_number": NHS,
    "name": "Siân Jones",
    "date_of_birth": "1970-05-01",
    "postcode": "CF10 1AA",
}


def import_file(tmp_path, rows) -> str:
    path = tmp_path / "patients.json"
    path.write_text(json.dumps(rows))
    return str(path)


@pytest.fixture
def recorded(api, manager, tmp_path):
    """A patient imported, changed through the API and in the back office, with an address and
    an appointment: each channel in the audit trail once at least."""
    call_command(
        "import_panda", "--patients", import_file(tmp_path, [PATIENT]), stdout=io.StringIO()
    )
    assert api.patch(f"/api/v1/patients/{NHS}/", {"name": "Siân Evans"}).status_code == 200
    assert (
        api.post(
            f"/api/v1/patients/{NHS}/addresses/",
            {"line1": "1 Heol y Frenhines", "town": "Caerdydd", "postcode": "CF10 1AA"},
        ).status_code
        == 201
    )
    patient = Patient.objects.get()
    appointment = AppointmentFactory(
        patient=patient,
        clinician=ClinicianFactory(name="Dr Ffion Rees"),
        department=DepartmentFactory(name="cardiology"),
    )
    response = manager.post(
        reverse("admin:patients_patient_change", args=[patient.pk]),
        patient_change(manager, patient, name="Siân Evans-Jones"),
    )
    assert response.status_code == 302
    return patient, appointment


def test_the_export_holds_the_patient_their_records_and_the_audit_trail(api, recorded):
    patient, appointment = recorded
    response = api.get(URL)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert list(body) == [
        "exported_at",
        "patient",
        "addresses",
        "appointments",
        "clinicians",
        "departments",
        "audit_trail",
        "exports",
    ] + (["reminders"] if apps.is_installed("reminders") else [])
    assert body["patient"] == api.get(f"/api/v1/patients/{NHS}/").json()
    assert [a["line1"] for a in body["addresses"]] == ["1 Heol y Frenhines"]
    assert [a["id"] for a in body["appointments"]] == [str(appointment.pk)]
    assert [c["name"] for c in body["clinicians"]] == ["Dr Ffion Rees"]
    assert [d["name"] for d in body["departments"]] == ["cardiology"]
    trail = [
        (e["record"], e["action"], e["how"], e["by"], e["values"].get("name"))
        for e in body["audit_trail"]
    ]
    assert trail == [
        ("patient", "created", "import", None, "Siân Jones"),
        ("patient", "changed", "api", None, "Siân Evans"),
        ("address", "created", "api", None, None),
        ("appointment", "created", "command", None, None),
        ("patient", "changed", "backoffice", "max", "Siân Evans-Jones"),
    ]
    first = body["audit_trail"][0]
    assert first["record_id"] == str(patient.pk)
    assert first["values"]["nhs_number"] == NHS
    assert first["values"]["date_of_birth"] == "1970-05-01"
    assert [(e["how"], e["by"]) for e in body["exports"]] == [("api", None)]


def test_each_export_is_recorded_and_shown_in_the_next(api, manager, manager_user, recorded):
    patient, _ = recorded
    download = manager.get(reverse("admin:patients_patient_export_data", args=[patient.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="patient-{patient.pk}.json"'
    assert download["Content-Type"] == "application/json"
    assert json.loads(download.content)["patient"]["nhs_number"] == NHS
    body = api.get(URL).json()
    assert [(e["how"], e["by"]) for e in body["exports"]] == [
        ("backoffice", "max"),
        ("api", None),
    ]
    records = PatientExport.objects.order_by("exported_at")
    assert [(r.channel, r.user) for r in records] == [("backoffice", manager_user), ("api", None)]


def test_an_unknown_patient_is_a_404_and_no_export_is_recorded(api):
    response = api.get(URL)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert not PatientExport.objects.exists()


def test_query_parameters_are_refused(api):
    PatientFactory(nhs_number=NHS)
    response = api.get(URL, {"fields": "name"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "fields": [
            {"code": "unknown_parameter", "message": "This endpoint takes no query parameters."}
        ]
    }
    assert not PatientExport.objects.exists()


def test_in_token_mode_only_clinic_managers_may_export(
    api, settings, manager_user, receptionist_user
):
    settings.PANDA_API_AUTH = "token"
    PatientFactory(nhs_number=NHS)
    assert api.get(URL).status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=receptionist_user)}")
    refused = api.get(URL)
    assert (refused.status_code, refused.json()["message"]) == (
        403,
        "Only clinic managers may export a patient's data.",
    )
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=manager_user)}")
    assert api.get(URL).status_code == 200
    assert [(r.channel, r.user) for r in PatientExport.objects.all()] == [("api", manager_user)]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fr", "Seuls les responsables de clinique peuvent exporter les données d’un patient."),
        ("cy", "Dim ond rheolwyr clinig sy’n cael allforio data claf."),
    ],
)
def test_the_refusal_to_export_is_in_the_requests_language(
    api, settings, receptionist_user, language, message
):
    settings.PANDA_API_AUTH = "token"
    PatientFactory(nhs_number=NHS)
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=receptionist_user)}")
    refused = api.get(URL, HTTP_ACCEPT_LANGUAGE=language)
    assert (refused.status_code, refused.json()["message"]) == (403, message)


def test_a_clinic_manager_sees_the_export_link_and_a_receptionist_does_not(
    client, manager_user, receptionist_user
):
    patient = PatientFactory(nhs_number=NHS)
    page = reverse("admin:patients_patient_change", args=[patient.pk])
    export = reverse("admin:patients_patient_export_data", args=[patient.pk])
    client.force_login(manager_user)
    assert f'href="{export}"' in client.get(page).text
    client.force_login(receptionist_user)
    shown = client.get(page)
    assert shown.status_code == 200
    assert f'href="{export}"' not in shown.text
    assert client.get(export).status_code == 403
    assert not PatientExport.objects.exists()


@pytest.mark.parametrize("object_id", ["abc", "999999", "1%2F2"])
def test_the_back_office_export_of_no_patient_is_a_404(manager, object_id):
    PatientFactory(nhs_number=NHS)
    response = manager.get(f"/admin/patients/patient/{object_id}/export/")
    assert response.status_code == 404
    assert not PatientExport.objects.exists()


def test_export_records_leave_with_their_patient(api):
    PatientFactory(nhs_number=NHS)
    api.get(URL)
    assert api.delete(f"/api/v1/patients/{NHS}/").status_code == 204
    assert not PatientExport.objects.exists()


def test_the_export_is_in_the_openapi_schema_with_its_permission(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/patients/{nhs_number}/export/"]["get"]
    assert "data_rights.export_patient" in operation["description"]
    assert set(operation["responses"]) == {"200", "400", "401", "403", "404"}


def test_appointment_times_in_the_trail_are_in_the_clinics_zone(api):
    patient = PatientFactory(nhs_number=NHS)
    AppointmentFactory(patient=patient, starts_at=dt.datetime(2030, 6, 4, 15, 30, tzinfo=dt.UTC))
    [entry] = [e for e in api.get(URL).json()["audit_trail"] if e["record"] == "appointment"]
    assert entry["values"]["starts_at"] == "2030-06-04T16:30:00+01:00"
    assert entry["values"]["duration"] == "30m"


@pytest.mark.skipif(not apps.is_installed("reminders"), reason="no reminders app")
def test_the_export_holds_the_reminders_of_the_patients_appointments(api):
    patient = PatientFactory(nhs_number=NHS)
    appointment = AppointmentFactory(patient=patient)
    Reminder = apps.get_model("reminders", "Reminder")
    reminder = Reminder.objects.create(
        appointment=appointment,
        variant=apps.get_model("reminders", "ReminderVariant").objects.first(),
        channel="sms",
        offset=dt.timedelta(days=1),
        appointment_starts_at=appointment.starts_at,
        due_at=appointment.starts_at - dt.timedelta(days=1),
    )
    AppointmentFactory()  # another patient's, perhaps with reminders of its own
    reminders = api.get(URL).json()["reminders"]
    assert [(r["id"], r["appointment"], r["channel"]) for r in reminders] == [
        (str(reminder.pk), str(appointment.pk), "sms")
    ]
