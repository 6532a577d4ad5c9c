import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from addresses.models import Address
from addresses.services import address_create
from appointments.models import Appointment
from appointments.tests.factories import AppointmentFactory
from panda_project.exceptions import Conflict
from patients.models import Patient
from patients.services import patient_create, patient_delete, patient_update
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def register(**overrides):
    values = {
        "nhs_number": "943 476 5919",
        "name": "Siân O'Brien",
        "date_of_birth": dt.date(1985, 3, 14),
        "postcode": "sw1a1aa",
    } | overrides
    return patient_create(**values)


def test_registering_stores_the_standard_forms_and_the_name_as_written():
    patient = register(name="  Siân O'Brien  ", phone="020 7946 0958", email="sian@example.org")
    patient.refresh_from_db()
    assert patient.nhs_number == "9434765919"
    assert patient.postcode == "SW1A 1AA"
    assert patient.name == "Siân O'Brien"
    assert patient.name_search == "sian obrien"
    assert patient.phone == "+442079460958"


def test_every_invalid_field_is_reported_at_once():
    with pytest.raises(ValidationError) as error:
        register(nhs_number="9434765918", postcode="nowhere", phone="12")
    assert set(error.value.error_dict) == {"nhs_number", "postcode", "phone"}
    assert not Patient.objects.exists()


def test_a_duplicate_nhs_number_is_a_conflict_in_any_spelling():
    register(nhs_number="9434765919")
    with pytest.raises(Conflict) as error:
        register(nhs_number="943-476-5919", name="Someone Else")
    assert error.value.code == "nhs_number_exists"
    assert Patient.objects.count() == 1


def test_a_date_of_birth_in_the_future_is_refused():
    with pytest.raises(ValidationError) as error:
        register(date_of_birth=timezone.localdate() + dt.timedelta(days=1))
    assert error.value.error_dict["date_of_birth"][0].code == "date_of_birth_future"


def test_a_name_over_the_maximum_is_refused_not_truncated():
    with pytest.raises(ValidationError) as error:
        register(name="A" * 301)
    assert "name" in error.value.error_dict
    assert register(name="A" * 300).name == "A" * 300


def test_a_name_with_control_characters_is_refused():
    with pytest.raises(ValidationError):
        register(name="Ann\x00e")


def test_updating_keeps_the_search_key_in_step_with_the_name():
    patient = register()
    patient_update(patient=patient, name="Zoë Saldaña")
    patient.refresh_from_db()
    assert patient.name_search == "zoe saldana"


def test_updating_to_another_patients_nhs_number_is_a_conflict():
    register(nhs_number="9434765919")
    other = PatientFactory()
    with pytest.raises(Conflict):
        patient_update(patient=other, nhs_number="9434765919")


def test_deleting_a_patient_deletes_their_appointments_and_addresses():
    patient = register()
    AppointmentFactory(patient=patient)
    address_create(owner=patient, line1="1 High Street", town="London", postcode="SW1A 1AA")
    patient_delete(patient=patient)
    assert not Appointment.objects.exists()
    assert not Address.objects.exists()


def test_the_database_refuses_a_duplicate_nhs_number_from_a_raw_create():
    PatientFactory(nhs_number="9434765919")
    with pytest.raises(IntegrityError), transaction.atomic():
        Patient.objects.create(
            nhs_number="9434765919", name="X", date_of_birth=dt.date(2000, 1, 1), postcode="M1 1AE"
        )


def test_full_clean_refuses_an_unnormalised_nhs_number_or_postcode():
    patient = PatientFactory.build(nhs_number="943 476 5919", postcode="sw1a1aa")
    with pytest.raises(ValidationError) as error:
        patient.full_clean()
    assert {"nhs_number", "postcode"} <= set(error.value.error_dict)
