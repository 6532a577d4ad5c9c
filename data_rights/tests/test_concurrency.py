"""Deleting one patient several times at once, on a real server database: one erasure, one
erasure record, and no error; and an address saved during an erasure is refused."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from addresses.models import Address
from addresses.services import address_create
from appointments.tests.factories import AppointmentFactory
from data_rights.models import ErasureRecord
from data_rights.services import patients_erase
from panda_project.testing import run_in_threads
from patients.models import Patient
from patients.services import patient_delete
from patients.tests.factories import PatientFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite", reason="needs a server database with real parallel sessions"
    ),
]


def delete_at_once(patient_pk: int, clerks: int) -> list[Exception]:
    """Each clerk loads the patient, then all delete it together; the errors they met."""
    barrier = threading.Barrier(clerks)
    errors = []

    def clerk():
        try:
            stale = Patient.objects.get(pk=patient_pk)
            barrier.wait()
            patient_delete(patient=stale)
        except Exception as error:  # noqa: BLE001 - any error fails the test
            errors.append(error)
        finally:
            connections.close_all()

    run_in_threads(*[clerk] * clerks)
    return errors


def test_simultaneous_deletions_of_one_patient_erase_it_once():
    for _ in range(3):
        patient = AppointmentFactory().patient
        assert delete_at_once(patient.pk, 4) == []
        assert not Patient.objects.filter(pk=patient.pk).exists()
    assert ErasureRecord.objects.count() == 3


def test_an_address_written_while_its_patient_is_being_erased_is_refused():
    """The clerk loaded the patient before the erasure began and saves an address while it is
    under way: the write waits for the erasure, then finds the patient gone."""
    patient = PatientFactory()
    erased, errors = threading.Event(), []

    def erase():
        try:
            with transaction.atomic():
                patients_erase(patient_ids=[patient.pk], channel="command")
                erased.set()
                time.sleep(0.5)  # the clerk's write arrives before this commits
        finally:
            erased.set()
            connections.close_all()

    def clerk():
        try:
            erased.wait()
            address_create(
                owner=patient, line1="1 Heol y Frenhines", town="Caerdydd", postcode="CF10 1AA"
            )
        except Exception as error:  # noqa: BLE001 - its type is asserted below
            errors.append(error)
        finally:
            connections.close_all()

    run_in_threads(erase, clerk)
    assert [type(error) for error in errors] == [Patient.DoesNotExist]
    assert not Address.objects.exists()
    assert not Address.history.exists()
