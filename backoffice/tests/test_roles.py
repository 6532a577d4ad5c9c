"""The staff roles and the command that makes staff users."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from appointments.tests.factories import AppointmentFactory
from backoffice.roles import CLINIC_MANAGER, RECEPTIONIST
from backoffice.staff import staff_create
from clinicians.tests.factories import ClinicianFactory
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase 42"


@pytest.fixture
def receptionist(client):
    user = staff_create(username="rita", password=PASSWORD, role=RECEPTIONIST)
    client.force_login(user)
    return client


@pytest.fixture
def manager(client):
    user = staff_create(username="max", password=PASSWORD, role=CLINIC_MANAGER)
    client.force_login(user)
    return client


def perms(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_both_roles_exist_after_migrate_with_their_permissions():
    receptionist, manager = perms(RECEPTIONIST), perms(CLINIC_MANAGER)
    assert {"patients.add_patient", "appointments.change_appointment"} <= receptionist
    assert not {p for p in receptionist if ".delete_" in p}
    assert "clinicians.change_clinician" not in receptionist
    assert {"patients.delete_patient", "clinicians.change_department"} <= manager


def test_a_receptionist_cannot_delete_a_patient_or_an_appointment(receptionist):
    patient = PatientFactory()
    appointment = AppointmentFactory(patient=patient)
    for url in (
        reverse("admin:patients_patient_delete", args=[patient.pk]),
        reverse("admin:appointments_appointment_delete", args=[appointment.pk]),
    ):
        assert receptionist.get(url).status_code == 403
        assert receptionist.post(url, {"post": "yes"}).status_code == 403
    changelist = receptionist.get(reverse("admin:appointments_appointment_changelist"))
    assert "delete_selected" not in changelist.context["action_form"].fields["action"].choices
    assert "cancel_selected" in dict(changelist.context["action_form"].fields["action"].choices)
    assert patient.__class__.objects.filter(pk=patient.pk).exists()


def test_a_receptionist_sees_but_cannot_change_clinicians(receptionist):
    clinician = ClinicianFactory()
    url = reverse("admin:clinicians_clinician_change", args=[clinician.pk])
    assert receptionist.get(url).status_code == 200
    assert receptionist.post(url, {"name": "Someone Else"}).status_code == 403
    assert receptionist.get(reverse("admin:clinicians_clinician_add")).status_code == 403


def test_a_receptionist_finds_a_site_for_a_booking(receptionist):
    from organisations.tests.factories import SiteFactory

    SiteFactory(name="Riverside Clinic")
    site = SiteFactory(name="Hillside Clinic")
    query = {
        "app_label": "appointments",
        "model_name": "appointment",
        "field_name": "site",
        "term": "hill",
    }
    response = receptionist.get(reverse("admin:autocomplete"), query)
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(site.pk)]


def test_a_manager_can_delete_a_patient(manager):
    patient = PatientFactory()
    url = reverse("admin:patients_patient_delete", args=[patient.pk])
    assert manager.post(url, {"post": "yes"}).status_code == 302
    assert not patient.__class__.objects.exists()


def test_createstaff_makes_a_staff_user_in_the_role(monkeypatch):
    monkeypatch.setenv("PANDA_STAFF_PASSWORD", PASSWORD)
    call_command("createstaff", "rita", "--role", "receptionist", "--no-input")
    user = get_user_model().objects.get(username="rita")
    assert user.is_staff and not user.is_superuser
    assert user.check_password(PASSWORD)
    assert list(user.groups.values_list("name", flat=True)) == [RECEPTIONIST]


def test_createstaff_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("PANDA_STAFF_PASSWORD", "password")
    with pytest.raises(CommandError, match="too common"):
        call_command("createstaff", "rita", "--role", "manager", "--no-input")
    assert not get_user_model().objects.exists()
