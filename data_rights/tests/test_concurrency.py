"""Deleting one patient several times at once, on a real server database: one erasure, one
erasure record, and no error."""

import threading

import pytest
from django.db import connection, connections

from appointments.tests.factories import AppointmentFactory
from data_rights.models import ErasureRecord
from patients.models import Patient
from patients.services import patient_delete

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

    threads = [threading.Thread(target=clerk) for _ in range(clerks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_simultaneous_deletions_of_one_patient_erase_it_once():
    for _ in range(3):
        patient = AppointmentFactory().patient
        assert delete_at_once(patient.pk, 4) == []
        assert not Patient.objects.filter(pk=patient.pk).exists()
    assert ErasureRecord.objects.count() == 3
