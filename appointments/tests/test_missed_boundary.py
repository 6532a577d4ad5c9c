"""The instant an appointment ends, it has ended: an active appointment is missed from its end on.

Every form of the rule (``appointments.models.has_ended`` and the SQL conditions beside it) is
pinned here at that instant, through each place that uses it: the model's status, the SQL
filters and status column, the REST API, FHIR's mapping and search, and the services' guards."""

import datetime as dt

import pytest
import time_machine

from appointments.models import Appointment, State, Status
from appointments.services import appointment_attend, appointment_cancel, appointment_update
from appointments.tests.factories import AppointmentFactory
from panda_project.exceptions import Conflict

pytestmark = pytest.mark.django_db

UTC = dt.UTC
STARTS = dt.datetime(2031, 5, 6, 9, 0, tzinfo=UTC)
ENDS = dt.datetime(2031, 5, 6, 9, 30, tzinfo=UTC)
JUST_BEFORE = ENDS - dt.timedelta(microseconds=1)

# (the instant, the status at that instant)
INSTANTS = [(JUST_BEFORE, "active"), (ENDS, "missed")]
IDS = ["one microsecond before its end", "at its end"]


@pytest.fixture
def appointment():
    return AppointmentFactory(starts_at=STARTS, ends_at=ENDS, duration=ENDS - STARTS)


@pytest.mark.parametrize(("now", "status"), INSTANTS, ids=IDS)
def test_model_status(appointment, now, status):
    assert appointment.status_at(now) == status


@pytest.mark.parametrize(("now", "status"), INSTANTS, ids=IDS)
def test_sql_filters(appointment, now, status):
    other = "active" if status == "missed" else "missed"
    assert list(Appointment.objects.with_status(status, now)) == [appointment]
    assert list(Appointment.objects.with_status(other, now)) == []
    assert Appointment.objects.missed(now).exists() == (status == "missed")


@pytest.mark.parametrize(("now", "status"), INSTANTS, ids=IDS)
def test_sql_status_column(appointment, now, status):
    assert Appointment.objects.annotate_status(now).get().status_value == status


@pytest.mark.parametrize(("now", "status"), INSTANTS, ids=IDS)
def test_rest_api_status_and_filter(api, appointment, now, status):
    with time_machine.travel(now, tick=False):
        shown = api.get(f"/api/v1/appointments/{appointment.pk}/").json()["status"]
        missed = api.get("/api/v1/appointments/", {"status": "missed"}).json()["results"]
    assert shown == status
    assert [row["id"] for row in missed] == ([str(appointment.pk)] if status == "missed" else [])


@pytest.mark.parametrize(
    ("now", "fhir_status"), [(JUST_BEFORE, "booked"), (ENDS, "noshow")], ids=IDS
)
def test_fhir_status_and_search(api, appointment, now, fhir_status):
    accept = {"HTTP_ACCEPT": "application/fhir+json"}
    with time_machine.travel(now, tick=False):
        resource = api.get(f"/fhir/R4/Appointment/{appointment.pk}", **accept).json()
        found = api.get("/fhir/R4/Appointment", {"status": "noshow"}, **accept).json()
    assert resource["status"] == fhir_status
    assert found["total"] == (1 if fhir_status == "noshow" else 0)


def test_attend_cancel_and_edit_are_allowed_one_microsecond_before_the_end(appointment):
    appointment_update(appointment=appointment, now=JUST_BEFORE, postcode="SW1A 1AA")
    assert appointment_cancel(appointment=appointment, now=JUST_BEFORE).state == State.CANCELLED


@pytest.mark.parametrize(
    "change",
    [
        lambda a: appointment_attend(appointment=a, now=ENDS),
        lambda a: appointment_cancel(appointment=a, now=ENDS),
        lambda a: appointment_update(appointment=a, now=ENDS, postcode="SW1A 1AA"),
    ],
    ids=["attend", "cancel", "edit"],
)
def test_attend_cancel_and_edit_are_refused_at_the_end(appointment, change):
    with pytest.raises(Conflict) as error:
        change(appointment)
    assert error.value.code == "appointment_missed"
    appointment.refresh_from_db()
    assert (appointment.state, appointment.postcode != "SW1A 1AA") == (State.ACTIVE, True)


def test_the_attend_just_before_the_end_is_kept(appointment):
    assert appointment_attend(appointment=appointment, now=JUST_BEFORE).status == Status.ATTENDED
