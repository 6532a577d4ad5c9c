"""Every allowed and refused change of an appointment, through the one home of the rules."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from appointments.models import Appointment, State, Status
from appointments.services import (
    appointment_attend,
    appointment_cancel,
    appointment_create,
    appointment_record,
    appointment_update,
)
from appointments.tests.factories import AppointmentFactory
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from panda_project.exceptions import Conflict
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def book(**overrides):
    values = {
        "patient": PatientFactory(),
        "starts_at": timezone.now() + dt.timedelta(days=1),
        "duration": dt.timedelta(minutes=30),
        "clinician": ClinicianFactory(),
        "department": DepartmentFactory(),
        "postcode": "sw1a1aa",
    } | overrides
    return appointment_create(**values)


class TestBooking:
    def test_booking_stores_an_active_appointment_with_its_end_and_a_coerced_postcode(self):
        starts_at = dt.datetime(2031, 3, 4, 9, 0, tzinfo=UTC)
        appointment = book(starts_at=starts_at, duration=dt.timedelta(minutes=90))
        appointment.refresh_from_db()
        assert appointment.state == State.ACTIVE
        assert appointment.status == Status.ACTIVE
        assert appointment.ends_at == dt.datetime(2031, 3, 4, 10, 30, tzinfo=UTC)
        assert appointment.postcode == "SW1A 1AA"

    def test_a_client_may_choose_the_id(self):
        chosen = uuid.uuid4()
        assert book(id=chosen).pk == chosen

    def test_a_chosen_id_that_exists_is_a_conflict(self):
        existing = book()
        with pytest.raises(Conflict) as error:
            book(id=existing.pk)
        assert error.value.code == "appointment_exists"

    def test_an_appointment_that_would_already_have_ended_is_refused(self):
        with pytest.raises(ValidationError) as error:
            book(starts_at=timezone.now() - dt.timedelta(hours=2))
        assert error.value.error_dict["starts_at"][0].code == "appointment_in_past"

    def test_an_appointment_in_progress_may_be_booked(self):
        appointment = book(starts_at=timezone.now() - dt.timedelta(minutes=10))
        assert appointment.status == Status.ACTIVE

    def test_a_naive_start_is_refused(self):
        with pytest.raises(ValidationError) as error:
            book(starts_at=dt.datetime(2031, 1, 1, 9, 0))
        assert error.value.error_dict["starts_at"][0].code == "timezone_required"

    @pytest.mark.parametrize("minutes", [0, -15])
    def test_a_duration_must_be_positive(self, minutes):
        with pytest.raises(ValidationError) as error:
            book(duration=dt.timedelta(minutes=minutes))
        assert "duration" in error.value.error_dict

    def test_a_start_beyond_the_supported_years_is_refused(self):
        with pytest.raises(ValidationError) as error:
            book(starts_at=dt.datetime(9999, 12, 31, 23, 30, tzinfo=UTC))
        assert error.value.error_dict["starts_at"][0].code == "datetime_out_of_range"

    def test_a_bad_postcode_is_refused_and_nothing_is_stored(self):
        with pytest.raises(ValidationError):
            book(postcode="nowhere")
        assert not Appointment.objects.exists()


class TestAttending:
    def test_an_active_appointment_can_be_attended_before_its_end(self):
        appointment = appointment_attend(appointment=AppointmentFactory(in_progress=True))
        assert appointment.state == State.ATTENDED
        assert appointment.attended_at is not None
        assert appointment.status == Status.ATTENDED

    def test_an_appointment_in_progress_can_be_attended(self):
        appointment = AppointmentFactory(starts_at=timezone.now() - dt.timedelta(minutes=5))
        assert appointment_attend(appointment=appointment).status == Status.ATTENDED

    def test_after_its_end_it_is_missed_and_attending_is_refused(self):
        appointment = AppointmentFactory(ended=True)
        assert appointment.status == Status.MISSED
        with pytest.raises(Conflict) as error:
            appointment_attend(appointment=appointment)
        assert error.value.code == "appointment_missed"
        appointment.refresh_from_db()
        assert appointment.state == State.ACTIVE

    def test_at_the_exact_end_it_is_already_missed(self):
        appointment = AppointmentFactory()
        with pytest.raises(Conflict):
            appointment_attend(appointment=appointment, now=appointment.ends_at)

    def test_attending_twice_is_refused(self):
        appointment = appointment_attend(appointment=AppointmentFactory(in_progress=True))
        with pytest.raises(Conflict) as error:
            appointment_attend(appointment=appointment)
        assert error.value.code == "appointment_attended"

    def test_a_cancelled_appointment_cannot_be_attended(self):
        with pytest.raises(Conflict) as error:
            appointment_attend(appointment=AppointmentFactory(cancelled=True))
        assert error.value.code == "appointment_cancelled"


class TestCancelling:
    def test_an_active_appointment_can_be_cancelled(self):
        appointment = appointment_cancel(appointment=AppointmentFactory())
        assert appointment.state == State.CANCELLED
        assert appointment.cancelled_at is not None

    def test_cancelling_twice_is_refused(self):
        appointment = appointment_cancel(appointment=AppointmentFactory())
        with pytest.raises(Conflict) as error:
            appointment_cancel(appointment=appointment)
        assert error.value.code == "appointment_cancelled"

    def test_an_attended_appointment_cannot_be_cancelled(self):
        with pytest.raises(Conflict) as error:
            appointment_cancel(appointment=AppointmentFactory(attended=True, ended=True))
        assert error.value.code == "appointment_attended"

    def test_a_missed_appointment_cannot_be_cancelled(self):
        with pytest.raises(Conflict) as error:
            appointment_cancel(appointment=AppointmentFactory(ended=True))
        assert error.value.code == "appointment_missed"

    def test_a_stale_copy_cannot_cancel_what_another_clerk_attended(self):
        appointment = AppointmentFactory(in_progress=True)
        stale = Appointment.objects.get(pk=appointment.pk)
        appointment_attend(appointment=appointment)
        with pytest.raises(Conflict) as error:
            appointment_cancel(appointment=stale)
        assert error.value.code == "appointment_attended"
        stale.refresh_from_db()
        assert stale.state == State.ATTENDED


class TestChanging:
    def test_an_active_appointment_can_be_rescheduled_and_its_end_follows(self):
        appointment = AppointmentFactory()
        new_start = timezone.now() + dt.timedelta(days=7)
        appointment_update(
            appointment=appointment, starts_at=new_start, duration=dt.timedelta(hours=1)
        )
        appointment.refresh_from_db()
        assert appointment.starts_at == new_start
        assert appointment.ends_at == new_start + dt.timedelta(hours=1)

    @pytest.mark.parametrize(
        ("traits", "code"),
        [
            ({"cancelled": True}, "appointment_cancelled"),
            ({"attended": True, "ended": True}, "appointment_attended"),
            ({"ended": True}, "appointment_missed"),
        ],
    )
    def test_cancelled_attended_and_missed_appointments_cannot_be_changed(self, traits, code):
        appointment = AppointmentFactory(**traits)
        before = (appointment.starts_at, appointment.state)
        with pytest.raises(Conflict) as error:
            appointment_update(
                appointment=appointment, starts_at=timezone.now() + dt.timedelta(days=30)
            )
        assert error.value.code == code
        appointment.refresh_from_db()
        assert (appointment.starts_at, appointment.state) == before

    def test_a_cancelled_appointment_changed_through_a_stale_copy_stays_cancelled(self):
        appointment = AppointmentFactory()
        stale = Appointment.objects.get(pk=appointment.pk)
        appointment_cancel(appointment=appointment)
        with pytest.raises(Conflict):
            appointment_update(appointment=stale, postcode="E1 6AN")
        appointment.refresh_from_db()
        assert appointment.state == State.CANCELLED
        assert appointment.postcode != "E1 6AN"

    def test_rescheduling_into_the_past_is_refused(self):
        appointment = AppointmentFactory()
        with pytest.raises(ValidationError):
            appointment_update(
                appointment=appointment, starts_at=timezone.now() - dt.timedelta(days=1)
            )


class TestRecordingFromAnotherSystem:
    def values(self, **overrides):
        return {
            "id": uuid.uuid4(),
            "patient": PatientFactory(),
            "status": "attended",
            "starts_at": dt.datetime(2020, 5, 1, 9, 0, tzinfo=UTC),
            "duration": dt.timedelta(minutes=30),
            "clinician": ClinicianFactory(),
            "department": DepartmentFactory(),
            "postcode": "M1 1AE",
        } | overrides

    @pytest.mark.parametrize(
        ("status", "state", "shown"),
        [
            ("attended", State.ATTENDED, Status.ATTENDED),
            ("cancelled", State.CANCELLED, Status.CANCELLED),
            ("missed", State.ACTIVE, Status.MISSED),
            ("active", State.ACTIVE, Status.MISSED),  # ended, so by the rule it is missed
        ],
    )
    def test_each_status_is_recorded_in_its_state(self, status, state, shown):
        appointment = appointment_record(**self.values(status=status))
        appointment.refresh_from_db()
        assert appointment.state == state
        assert appointment.status == shown

    def test_a_missed_appointment_that_ends_in_the_future_is_refused(self):
        future = timezone.now() + dt.timedelta(days=1)
        with pytest.raises(Conflict) as error:
            appointment_record(**self.values(status="missed", starts_at=future))
        assert error.value.code == "missed_in_future"

    def test_an_attended_appointment_that_is_not_yet_due_is_refused(self):
        future = timezone.now() + dt.timedelta(days=2)
        with pytest.raises(Conflict) as error:
            appointment_record(**self.values(status="attended", starts_at=future))
        assert error.value.code == "appointment_not_due"


class TestDatabaseConstraints:
    """The database refuses what the services refuse, even from a raw create()."""

    def raw(self, **overrides):
        appointment = AppointmentFactory.build(
            patient=PatientFactory(), clinician=ClinicianFactory(), department=DepartmentFactory()
        )
        for field, value in overrides.items():
            setattr(appointment, field, value)
        with pytest.raises(IntegrityError), transaction.atomic():
            appointment.save(force_insert=True)

    def test_the_end_must_be_after_the_start(self):
        start = timezone.now()
        self.raw(starts_at=start, ends_at=start)

    def test_the_duration_must_be_positive(self):
        self.raw(duration=dt.timedelta(0))

    def test_the_state_must_be_known(self):
        self.raw(state="missed")

    def test_a_cancelled_appointment_needs_its_cancellation_time(self):
        self.raw(state=State.CANCELLED)

    def test_an_active_appointment_has_no_attendance_time(self):
        self.raw(attended_at=timezone.now())
