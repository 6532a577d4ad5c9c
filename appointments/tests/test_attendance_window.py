"""Attendance opens once an appointment is due: from the start of its day in Europe/London (or
PANDA_CHECK_IN_OPENS minutes before its start) up to its end, on every path."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured

from appointments.importer import import_appointments
from appointments.models import Appointment, State
from appointments.services import appointment_attend, appointment_record, check_in_opens_at
from appointments.tests.factories import AppointmentFactory
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from panda_project.exceptions import Conflict
from panda_project.settings import base
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC
# 14:30 in London on 15 June 2027 (British Summer Time, UTC+1): its day opens at 23:00 UTC.
SUMMER_START = dt.datetime(2027, 6, 15, 13, 30, tzinfo=UTC)
SUMMER_DAY_OPENS = dt.datetime(2027, 6, 14, 23, 0, tzinfo=UTC)
TICK = dt.timedelta(microseconds=1)


def refused(appointment, now):
    with pytest.raises(Conflict) as error:
        appointment_attend(appointment=appointment, now=now)
    appointment.refresh_from_db()
    assert appointment.state == State.ACTIVE
    return error.value


class TestTheRuleInItsHome:
    def test_an_appointment_next_year_cannot_be_marked_attended_today(self):
        appointment = AppointmentFactory(starts_at=SUMMER_START)
        refusal = refused(appointment, dt.datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
        assert refusal.code == "appointment_not_due"
        assert refusal.message == (
            "This appointment is not due yet: it can be marked attended from "
            "2027-06-15T00:00:00+01:00."
        )

    def test_it_opens_at_the_start_of_its_day_in_london_in_summer(self):
        appointment = AppointmentFactory(starts_at=SUMMER_START)
        assert refused(appointment, SUMMER_DAY_OPENS - TICK).code == "appointment_not_due"
        attended = appointment_attend(appointment=appointment, now=SUMMER_DAY_OPENS)
        assert (attended.state, attended.attended_at) == (State.ATTENDED, SUMMER_DAY_OPENS)

    def test_it_opens_at_the_start_of_its_day_in_london_in_winter(self):
        # 00:30 on 2 December 2027 in London is 00:30 UTC: its day opened half an hour earlier.
        appointment = AppointmentFactory(starts_at=dt.datetime(2027, 12, 2, 0, 30, tzinfo=UTC))
        opens = dt.datetime(2027, 12, 2, 0, 0, tzinfo=UTC)
        assert check_in_opens_at(appointment.starts_at) == opens
        assert refused(appointment, opens - TICK).code == "appointment_not_due"
        assert appointment_attend(appointment=appointment, now=opens).state == State.ATTENDED

    def test_it_stays_open_up_to_the_end(self):
        appointment = AppointmentFactory(starts_at=SUMMER_START)
        last_moment = appointment.ends_at - TICK
        assert appointment_attend(appointment=appointment, now=last_moment).state == "attended"

    def test_a_number_of_minutes_opens_it_that_long_before_the_start(self, settings):
        settings.PANDA_CHECK_IN_OPENS = 30
        appointment = AppointmentFactory(starts_at=SUMMER_START)
        opens = SUMMER_START - dt.timedelta(minutes=30)
        assert check_in_opens_at(appointment.starts_at) == opens
        refusal = refused(appointment, opens - TICK)
        assert refusal.code == "appointment_not_due"
        assert refusal.message.endswith("from 2027-06-15T14:00:00+01:00.")
        assert appointment_attend(appointment=appointment, now=opens).state == State.ATTENDED

    def test_zero_minutes_opens_it_at_its_start(self, settings):
        settings.PANDA_CHECK_IN_OPENS = 0
        appointment = AppointmentFactory(starts_at=SUMMER_START)
        assert refused(appointment, SUMMER_START - TICK).code == "appointment_not_due"
        assert appointment_attend(appointment=appointment, now=SUMMER_START).state == "attended"

    def test_a_cancelled_appointment_not_yet_due_gives_its_own_reason(self):
        appointment = AppointmentFactory(starts_at=SUMMER_START, cancelled=True)
        with pytest.raises(Conflict) as error:
            appointment_attend(appointment=appointment, now=SUMMER_DAY_OPENS - TICK)
        assert error.value.code == "appointment_cancelled"


class TestTheSetting:
    @pytest.mark.parametrize(
        ("value", "expected"), [("", "day"), ("day", "day"), (" Day ", "day"), ("45", 45)]
    )
    def test_day_or_a_number_of_minutes(self, monkeypatch, value, expected):
        monkeypatch.setenv("PANDA_CHECK_IN_OPENS", value)
        assert base.env_check_in_opens("PANDA_CHECK_IN_OPENS") == expected

    @pytest.mark.parametrize("value", ["tomorrow", "-10", "1.5"])
    def test_anything_else_stops_the_start(self, monkeypatch, value):
        monkeypatch.setenv("PANDA_CHECK_IN_OPENS", value)
        with pytest.raises(ImproperlyConfigured, match="PANDA_CHECK_IN_OPENS must be day or"):
            base.env_check_in_opens("PANDA_CHECK_IN_OPENS")


class TestEveryPath:
    def test_the_api_answers_409_appointment_not_due(self, api):
        appointment = AppointmentFactory(starts_at=dt.datetime(2031, 6, 4, 8, 0, tzinfo=UTC))
        response = api.post(f"/api/v1/appointments/{appointment.pk}/attend/")
        assert response.status_code == 409
        assert response.json() == {
            "status": 409,
            "code": "appointment_not_due",
            "message": (
                "This appointment is not due yet: it can be marked attended from "
                "2031-06-04T00:00:00+01:00."
            ),
            "errors": {},
        }
        assert Appointment.objects.get().state == State.ACTIVE

    def test_the_back_office_action_refuses_it_and_says_why(self, admin_client):
        appointment = AppointmentFactory(starts_at=dt.datetime(2031, 6, 4, 8, 0, tzinfo=UTC))
        response = admin_client.post(
            "/admin/appointments/appointment/",
            {"action": "attend_selected", "_selected_action": [appointment.pk]},
            follow=True,
        )
        [message] = [str(m) for m in response.context["messages"]]
        assert message.startswith("Not marked attended: ")
        assert message.endswith(
            "This appointment is not due yet: it can be marked attended from "
            "2031-06-04T00:00:00+01:00."
        )
        assert Appointment.objects.get().state == State.ACTIVE

    def record(self, starts_at, now):
        return appointment_record(
            id=uuid.uuid4(),
            patient=PatientFactory(),
            status="attended",
            starts_at=starts_at,
            duration=dt.timedelta(minutes=30),
            clinician=ClinicianFactory(),
            department=DepartmentFactory(),
            postcode="M1 1AE",
            now=now,
        )

    def test_an_imported_attended_appointment_must_be_due(self):
        with pytest.raises(Conflict) as error:
            self.record(SUMMER_START, now=SUMMER_DAY_OPENS - TICK)
        assert error.value.code == "appointment_not_due"
        assert not Appointment.objects.exists()

    def test_an_imported_attended_appointment_later_today_is_recorded_as_attended_now(self):
        appointment = self.record(SUMMER_START, now=SUMMER_DAY_OPENS)
        assert (appointment.state, appointment.attended_at) == (State.ATTENDED, SUMMER_DAY_OPENS)

    def test_the_import_command_reports_a_row_not_yet_due(self, tmp_path):
        patient = PatientFactory(nhs_number="9434765919")
        row = {
            "id": "4a7d1ed4-1a4b-4a0b-9d0a-1b7c3d3e3f01",
            "patient": patient.nhs_number,
            "status": "attended",
            "time": "2027-06-15T14:30:00+01:00",
            "duration": "30m",
            "clinician": "Dr Rhys Evans",
            "department": "oncology",
            "postcode": "CF10 1AA",
        }
        report = import_appointments([row], now=SUMMER_DAY_OPENS - TICK)
        assert report.rejected == [
            (
                1,
                "4a7d1ed4-1a4b-4a0b-9d0a-1b7c3d3e3f01",
                "This appointment is not due yet: it can be marked attended from "
                "2027-06-15T00:00:00+01:00.",
            )
        ]
        assert not Appointment.objects.exists()
