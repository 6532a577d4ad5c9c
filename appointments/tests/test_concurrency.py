"""Two clerks acting on one appointment, or booking one slot, at once: exactly one wins, on a
real server database. (SQLite, whose writers BEGIN IMMEDIATE and so queue, is raced with real
gunicorn workers in tests/reliability/test_concurrency.py.)"""

import datetime as dt
import functools
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from appointments.models import Appointment, State
from appointments.services import appointment_attend, appointment_cancel, appointment_create
from appointments.tests.factories import AppointmentFactory
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from panda_project.exceptions import Conflict
from panda_project.testing import run_in_threads
from patients.tests.factories import PatientFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite", reason="needs a server database with real parallel sessions"
    ),
]


def race(appointment_id, actions):
    """Run each action in its own thread and connection, released together."""
    barrier = threading.Barrier(len(actions))
    outcomes = []

    def clerk(action):
        try:
            barrier.wait()
            action(appointment=Appointment.objects.get(pk=appointment_id))
            outcomes.append("won")
        except Conflict as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    run_in_threads(*[functools.partial(clerk, action) for action in actions])
    return outcomes


def test_cancel_and_attend_at_once_give_exactly_one_winner():
    for _ in range(5):
        appointment = AppointmentFactory(in_progress=True)
        outcomes = race(appointment.pk, [appointment_cancel, appointment_attend] * 5)
        assert outcomes.count("won") == 1, outcomes
        assert len(outcomes) == 10
        appointment.refresh_from_db()
        winner_state = appointment.state
        assert winner_state in (State.CANCELLED, State.ATTENDED)
        loser_code = (
            "appointment_cancelled" if winner_state == State.CANCELLED else "appointment_attended"
        )
        assert outcomes.count(loser_code) == 9, outcomes
        assert (appointment.cancelled_at is None) != (appointment.attended_at is None)


def book_at_once(bookings: list[dict]) -> list[str]:
    """Each booking in its own thread and connection, released together: "won" or the code."""
    barrier = threading.Barrier(len(bookings))
    outcomes = []

    def clerk(values):
        try:
            barrier.wait()
            appointment_create(**values)
            outcomes.append("won")
        except Conflict as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    run_in_threads(*[functools.partial(clerk, values) for values in bookings])
    return outcomes


def booking(**values) -> dict:
    return {
        "starts_at": timezone.now() + dt.timedelta(days=1),
        "duration": dt.timedelta(minutes=30),
        "department": DepartmentFactory(),
        "postcode": "SW1A 1AA",
    } | values


def test_clerks_booking_one_clinicians_slot_at_once_give_one_booking():
    for _ in range(3):
        clinician = ClinicianFactory()
        slot = booking(clinician=clinician)
        outcomes = book_at_once([slot | {"patient": PatientFactory()} for _ in range(6)])
        assert sorted(outcomes) == ["clinician_double_booked"] * 5 + ["won"], outcomes
        assert Appointment.objects.filter(clinician=clinician).count() == 1


def test_clerks_booking_one_patient_with_two_clinicians_at_once_give_one_booking():
    for _ in range(3):
        patient = PatientFactory()
        slot = booking(patient=patient)
        outcomes = book_at_once([slot | {"clinician": ClinicianFactory()} for _ in range(6)])
        assert sorted(outcomes) == ["patient_double_booked"] * 5 + ["won"], outcomes
        assert Appointment.objects.filter(patient=patient).count() == 1


def test_crossing_bookings_neither_deadlock_nor_double_book():
    """Clinician A with patient X against clinician B with patient X and clinician A with
    patient Y: each clinician and each patient ends with one booking."""
    for _ in range(3):
        clinicians = [ClinicianFactory(), ClinicianFactory()]
        patients = [PatientFactory(), PatientFactory()]
        slot = booking()
        pairs = [(c, p) for c in clinicians for p in patients] * 2
        outcomes = book_at_once([slot | {"clinician": c, "patient": p} for c, p in pairs])
        assert outcomes.count("won") == 2, outcomes
        for clinician in clinicians:
            assert Appointment.objects.filter(clinician=clinician).count() == 1
        for patient in patients:
            assert Appointment.objects.filter(patient=patient).count() == 1
