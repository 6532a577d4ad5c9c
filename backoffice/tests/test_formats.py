"""Numbers as people read them in the back office: NHS numbers spaced, UK phone numbers in
national format. What is stored (and what the API and the CSV exports give) is unchanged."""

import pytest
from django.urls import reverse

from appointments.tests.factories import AppointmentFactory
from patients.models import Patient
from patients.phones import format_phone
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient():
    return PatientFactory(nhs_number="9434765919", name="Siân O'Brien", phone="+442079460958")


@pytest.mark.parametrize(
    "stored, shown",
    [
        ("+442079460958", "020 7946 0958"),
        ("+447700900123", "07700 900123"),
        ("+33142685300", "+33 1 42 68 53 00"),
        ("not a number", "not a number"),
    ],
)
def test_phone_numbers_are_shown_nationally_when_british(stored, shown):
    assert format_phone(stored) == shown


def test_the_patient_list_shows_the_nhs_number_spaced_and_the_phone_nationally(
    admin_client, patient
):
    html = admin_client.get(reverse("admin:patients_patient_changelist")).content.decode()
    assert "943 476 5919</a>" in html
    assert '<td class="field-phone_national">020 7946 0958</td>' in html
    assert "+442079460958" not in html


def test_the_patient_form_shows_them_as_read_and_saves_them_as_stored(admin_client, patient):
    url = reverse("admin:patients_patient_change", args=[patient.pk])
    form = admin_client.get(url).context["adminform"].form
    html = str(form["nhs_number"]) + str(form["phone"])
    assert 'value="943 476 5919"' in html
    assert 'value="020 7946 0958"' in html
    assert "<h2>Siân O&#x27;Brien (943 476 5919)</h2>" in admin_client.get(url).content.decode()
    data = {
        "nhs_number": form["nhs_number"].value(),
        "name": patient.name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "postcode": patient.postcode,
        "phone": form["phone"].value(),
        "email": "",
    }
    for prefix in ("addresses-address-content_type-object_id", "appointments"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    assert admin_client.post(url, data).status_code == 302
    stored = Patient.objects.values("nhs_number", "phone").get(pk=patient.pk)
    assert stored == {"nhs_number": "9434765919", "phone": "+442079460958"}


def test_the_audit_trail_shows_the_nhs_number_spaced(admin_client, patient):
    history = admin_client.get(reverse("admin:patients_patient_history", args=[patient.pk]))
    assert "<td>943 476 5919</td>" in history.content.decode()
    trail = admin_client.get(reverse("admin:patients_historicalpatient_changelist"))
    assert '<td class="field-nhs_number_spaced">943 476 5919</td>' in trail.content.decode()


def test_appointments_name_the_patient_with_the_spaced_number(admin_client, patient):
    AppointmentFactory(patient=patient)
    html = admin_client.get(reverse("admin:appointments_appointment_changelist")).content.decode()
    assert 'Siân O&#x27;Brien <span class="nhs-number">(943 476 5919)</span>' in html


def test_the_csv_export_keeps_the_stored_form(admin_client, patient):
    response = admin_client.get(reverse("admin:patients_patient_export"))
    export = b"".join(response.streaming_content).decode()
    assert export.splitlines()[1].startswith("9434765919,Siân O'Brien,")
    assert ",+442079460958," in export
