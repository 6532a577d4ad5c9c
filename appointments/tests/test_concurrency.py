"""Two clerks acting on one appointment at once: exactly one wins, on a real server database."""

import threading

import pytest
from django.db import connection, connections

from appointments.models import Appointment, State
from appointments.services import appointment_attend, appointment_cancel
from appointments.tests.factories import AppointmentFactory
from panda_project.exceptions import Conflict

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

    threads = [threading.Thread(target=clerk, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
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
