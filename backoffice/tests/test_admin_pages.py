"""Every back-office page loads: each changelist (plain and searched), add and change page."""

import pytest
from django.urls import reverse

from addresses.tests.factories import AddressFactory
from appointments.tests.factories import AppointmentFactory
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

MODELS = {
    "patients_patient": PatientFactory,
    "appointments_appointment": AppointmentFactory,
    "addresses_address": AddressFactory,
    "clinicians_clinician": ClinicianFactory,
    "clinicians_department": DepartmentFactory,
}


@pytest.mark.parametrize("model", MODELS)
def test_the_changelist_loads_with_and_without_a_search(admin_client, model):
    MODELS[model]()
    url = reverse(f"admin:{model}_changelist")
    assert admin_client.get(url).status_code == 200
    for term in ("943 476 5919", "siân", "sw1a 1aa", "x"):
        assert admin_client.get(url, {"q": term}).status_code == 200


@pytest.mark.parametrize("model", [m for m in MODELS if m != "addresses_address"])
def test_the_add_page_loads(admin_client, model):
    assert admin_client.get(reverse(f"admin:{model}_add")).status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_the_change_and_history_pages_load(admin_client, model):
    obj = MODELS[model]()
    assert admin_client.get(reverse(f"admin:{model}_change", args=[obj.pk])).status_code == 200
    if model not in ("clinicians_clinician", "clinicians_department"):
        history = admin_client.get(reverse(f"admin:{model}_history", args=[obj.pk]))
        assert history.status_code == 200


def test_a_cancelled_and_a_missed_appointments_change_pages_load(admin_client):
    for appointment in (AppointmentFactory(cancelled=True), AppointmentFactory(ended=True)):
        url = reverse("admin:appointments_appointment_change", args=[appointment.pk])
        assert admin_client.get(url).status_code == 200


def test_the_appointment_list_loads_with_each_filter_and_a_date_drilldown(admin_client):
    appointment = AppointmentFactory()
    url = reverse("admin:appointments_appointment_changelist")
    for params in (
        {"status": "missed"},
        {"status": "active"},
        {"day": "today"},
        {"day": "week"},
        {"department__id__exact": appointment.department_id},
        {"clinician__id__exact": appointment.clinician_id},
        {"starts_at__year": appointment.starts_at.year},
        {"o": "6"},
    ):
        assert admin_client.get(url, params).status_code == 200, params


def test_the_patient_history_list_loads(admin_client):
    PatientFactory()
    url = reverse("admin:patients_historicalpatient_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "943 476 5919"}).status_code == 200


def test_the_index_says_panda_and_offers_the_patient_search_and_todays_list(admin_client):
    response = admin_client.get(reverse("admin:index"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "PANDA" in content
    assert 'id="find-patient"' in content
    assert 'id="todays-appointments"' in content
