"""The patient pages of the back office: search, create and edit through the services, the
inline addresses and appointments, and the CSV export."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from addresses.models import Address
from appointments.admin import INLINE_FIELDS
from appointments.models import Appointment
from appointments.tests.factories import AppointmentFactory
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from patients.models import Patient

from .factories import PatientFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:patients_patient_changelist")
ADD = reverse("admin:patients_patient_add")


def management(prefix: str, initial: int = 0, total: int | None = None) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(initial if total is None else total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def patient_form(**fields) -> dict:
    data = {
        "nhs_number": "943 476 5919",
        "name": "Siân O'Brien-McKenzie",
        "date_of_birth": "1985-03-14",
        "postcode": "sw1a1aa",
        "phone": "",
        "email": "",
        "reminder_channel": "auto",
        "language": "en",
        **management("addresses-address-content_type-object_id"),
        **management("appointments"),
    }
    data.update(fields)
    return data


def found(client, term: str) -> list[str]:
    response = client.get(CHANGELIST, {"q": term})
    assert response.status_code == 200
    return [patient.nhs_number for patient in response.context["cl"].result_list]


def test_a_patient_is_found_by_their_nhs_number_typed_any_way(admin_client):
    PatientFactory(nhs_number="9434765919")
    PatientFactory(nhs_number="4010232137")
    for typed in ("9434765919", "943 476 5919", "943-476-5919", " 943 476 5919 "):
        assert found(admin_client, typed) == ["9434765919"]


def test_a_patient_is_found_by_name_whatever_the_case_and_accents(admin_client):
    PatientFactory(name="Siân O'Brien-McKenzie", nhs_number="9434765919")
    PatientFactory(name="Ζωή Παπαδοπούλου", nhs_number="4010232137")
    PatientFactory(name="John Smith", nhs_number="9876543210")
    assert found(admin_client, "sian obrien") == ["9434765919"]
    assert found(admin_client, "SIÂN") == ["9434765919"]
    assert found(admin_client, "ζωη") == ["4010232137"]


def test_a_patient_is_found_by_postcode_in_any_case_or_spacing(admin_client):
    PatientFactory(postcode="SW1A 1AA", nhs_number="9434765919")
    PatientFactory(postcode="CF10 1AA", nhs_number="4010232137")
    assert found(admin_client, "sw1a1aa") == ["9434765919"]


def test_a_new_patient_is_stored_as_the_api_would_store_them(admin_client):
    response = admin_client.post(ADD, patient_form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    patient = Patient.objects.get()
    assert patient.nhs_number == "9434765919"
    assert patient.postcode == "SW1A 1AA"
    assert patient.name == "Siân O'Brien-McKenzie"


def test_a_bad_nhs_number_and_postcode_are_form_errors_not_a_crash(admin_client):
    response = admin_client.post(
        ADD, patient_form(nhs_number="943 476 5910", postcode="NOT A POSTCODE")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "check digit" in errors["nhs_number"][0]
    assert "postcode" in errors
    assert not Patient.objects.exists()


def test_a_duplicate_nhs_number_is_a_form_error(admin_client):
    PatientFactory(nhs_number="9434765919")
    response = admin_client.post(ADD, patient_form(nhs_number="943 476 5919"))
    assert response.status_code == 200
    assert "already exists" in str(response.context["adminform"].form.non_field_errors())
    assert Patient.objects.count() == 1


def test_editing_a_patient_goes_through_the_same_validation(admin_client):
    patient = PatientFactory(nhs_number="9434765919", name="Ada Lovelace")
    url = reverse("admin:patients_patient_change", args=[patient.pk])
    refused = admin_client.post(url, patient_form(postcode="nonsense", name="Ada Byron"))
    assert refused.status_code == 200
    patient.refresh_from_db()
    assert patient.name == "Ada Lovelace"

    accepted = admin_client.post(url, patient_form(postcode="cf10 1aa", name="Ada Byron"))
    assert accepted.status_code == 302
    patient.refresh_from_db()
    assert (patient.name, patient.postcode) == ("Ada Byron", "CF10 1AA")


def test_an_address_added_inline_is_normalised_by_the_address_service(admin_client):
    prefix = "addresses-address-content_type-object_id"
    data = patient_form(
        **management(prefix, total=1),
        **{
            f"{prefix}-0-line1": "  1 High Street ",
            f"{prefix}-0-town": "Cardiff",
            f"{prefix}-0-postcode": "cf101aa",
            f"{prefix}-0-country": "United Kingdom",
        },
    )
    response = admin_client.post(ADD, data)
    assert response.status_code == 302
    address = Address.objects.get()
    assert (address.line1, address.postcode) == ("1 High Street", "CF10 1AA")
    assert address.owner == Patient.objects.get()


def test_a_refused_inline_row_undoes_the_whole_page(admin_client):
    prefix = "addresses-address-content_type-object_id"
    data = patient_form(
        **management(prefix, total=1),
        **{f"{prefix}-0-line1": "1 High Street", f"{prefix}-0-town": "Cardiff"},
        **{f"{prefix}-0-postcode": "nonsense", f"{prefix}-0-country": "United Kingdom"},
    )
    response = admin_client.post(ADD, data)
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors[0]["postcode"]
    assert not Patient.objects.exists()
    assert not Address.objects.exists()


def test_an_appointment_is_booked_inline_through_the_appointment_service(admin_client):
    patient = PatientFactory()
    clinician, department = ClinicianFactory(), DepartmentFactory()
    url = reverse("admin:patients_patient_change", args=[patient.pk])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    def post(day):
        return admin_client.post(
            url,
            patient_form(
                nhs_number=patient.nhs_number,
                **management("appointments", total=1),
                **{
                    "appointments-0-patient": patient.pk,
                    "appointments-0-starts_at_0": day.isoformat(),
                    "appointments-0-starts_at_1": "10:30",
                    "appointments-0-duration": "45m",
                    "appointments-0-clinician": clinician.pk,
                    "appointments-0-department": department.pk,
                    "appointments-0-postcode": "sw1a1aa",
                },
            ),
        )

    refused = post(tomorrow - dt.timedelta(days=3))
    assert refused.status_code == 200
    assert "already have ended" in str(refused.context["inline_admin_formsets"][1].formset.errors)
    assert not Appointment.objects.exists()

    assert post(tomorrow).status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.duration == dt.timedelta(minutes=45)
    assert timezone.localtime(appointment.starts_at).time() == dt.time(10, 30)
    assert appointment.postcode == "SW1A 1AA"


def test_a_cancelled_appointment_shown_inline_cannot_be_changed_there(admin_client):
    appointment = AppointmentFactory(cancelled=True, patient__postcode="CF10 1AA")
    patient = appointment.patient
    url = reverse("admin:patients_patient_change", args=[patient.pk])
    page = admin_client.get(url)
    row = page.context["inline_admin_formsets"][1].formset.forms[0]
    assert all(row.fields[name].disabled for name in INLINE_FIELDS)

    data = patient_form(
        nhs_number=patient.nhs_number,
        name=patient.name,
        postcode=patient.postcode,
        date_of_birth=patient.date_of_birth.isoformat(),
        **management("appointments", initial=1),
        **{
            "appointments-0-id": appointment.pk,
            "appointments-0-patient": patient.pk,
            "appointments-0-starts_at_0": (timezone.localdate() + dt.timedelta(days=9)).isoformat(),
            "appointments-0-starts_at_1": "09:00",
            "appointments-0-duration": "2h",
        },
    )
    assert admin_client.post(url, data).status_code == 302
    stored = Appointment.objects.get()
    assert (stored.state, stored.starts_at, stored.duration) == (
        "cancelled",
        appointment.starts_at,
        appointment.duration,
    )


def test_the_csv_export_holds_the_filtered_list(admin_client):
    PatientFactory(nhs_number="9434765919", name="Siân Jones", postcode="SW1A 1AA")
    PatientFactory(nhs_number="4010232137", name="=HYPERLINK(1)", postcode="CF10 1AA")
    response = admin_client.get(reverse("admin:patients_patient_export"), {"q": "sian"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(row["nhs_number"], row["name"]) for row in rows] == [("9434765919", "Siân Jones")]

    everyone = admin_client.get(reverse("admin:patients_patient_export"))
    names = {row["name"] for row in csv.DictReader(io.StringIO(everyone.getvalue().decode()))}
    assert names == {"Siân Jones", "'=HYPERLINK(1)"}


def test_the_changelist_links_to_the_csv_of_the_same_filter(admin_client):
    response = admin_client.get(CHANGELIST, {"q": "sian"})
    assert 'href="export.csv?q=sian"' in response.content.decode()
