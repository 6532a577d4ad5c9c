"""Nothing personal can be written about a patient once they are erased: a write that began
with the patient loaded before the erasure is refused, as "not found", and stores nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from addresses.models import Address
from addresses.services import address_create, address_update
from appointments.models import Appointment
from appointments.services import appointment_create
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from data_rights.services import patient_erase
from patients.models import Patient
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

ADDRESS = {"line1": "17 Wibblethorpe Lane", "town": "Snodsbury Magna", "postcode": "KW17 2QR"}


def erased_meanwhile() -> Patient:
    """A patient as a clerk loaded them, erased since."""
    patient = PatientFactory()
    stale = Patient.objects.get(pk=patient.pk)
    assert patient_erase(patient=patient, channel="command") is not None
    return stale


def test_an_address_for_a_patient_erased_meanwhile_is_refused():
    stale = erased_meanwhile()
    with pytest.raises(Patient.DoesNotExist):
        address_create(owner=stale, **ADDRESS)
    assert not Address.objects.exists()
    assert not Address.history.exists()


def test_an_address_of_a_patient_erased_meanwhile_is_not_written_back():
    patient = PatientFactory()
    address = address_create(owner=patient, **ADDRESS)
    assert patient_erase(patient=patient, channel="command") is not None
    with pytest.raises(Patient.DoesNotExist):
        address_update(address=address, town="Snodsbury Parva")
    assert not Address.objects.exists()
    assert not Address.history.exists()


def test_an_address_for_a_patient_still_there_is_stored():
    patient = PatientFactory()
    address_create(owner=patient, **ADDRESS)
    address_update(address=Address.objects.get(), town="Snodsbury Parva")
    assert list(Address.objects.values_list("object_id", "town")) == [
        (patient.pk, "Snodsbury Parva")
    ]


def test_an_appointment_for_a_patient_erased_meanwhile_is_refused():
    stale = erased_meanwhile()
    clinician, department = ClinicianFactory(), DepartmentFactory()
    with pytest.raises(Patient.DoesNotExist):
        appointment_create(
            patient=stale,
            starts_at=timezone.now() + dt.timedelta(days=3),
            duration=dt.timedelta(minutes=30),
            clinician=clinician,
            department=department,
            postcode="KW17 2QR",
        )
    assert not Appointment.objects.exists()
    assert not Appointment.history.exists()
