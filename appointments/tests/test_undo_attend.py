"""Undoing a mistaken arrival: only a clinic manager, only an attended appointment, only until
its end; the user and the reason go into the audit trail."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from rest_framework.authtoken.models import Token

from appointments.models import Appointment, State
from appointments.services import appointment_undo_attend
from appointments.tests.factories import AppointmentFactory
from backoffice.roles import CLINIC_MANAGER, RECEPTIONIST
from backoffice.staff import staff_create
from panda_project.exceptions import Conflict
from panda_project.testing import assert_error

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase 42"


@pytest.fixture
def manager():
    return staff_create(username="max", password=PASSWORD, role=CLINIC_MANAGER)


@pytest.fixture
def receptionist():
    return staff_create(username="rita", password=PASSWORD, role=RECEPTIONIST)


def attended_now(**values) -> Appointment:
    """Attended a few minutes ago; it ends in 20 minutes."""
    starts_at = timezone.now() - dt.timedelta(minutes=10)
    return AppointmentFactory(
        starts_at=starts_at,
        state=State.ATTENDED,
        attended_at=starts_at + dt.timedelta(minutes=2),
        **values,
    )


class TestService:
    def test_a_manager_undoes_an_arrival_and_the_audit_trail_keeps_who_and_why(self, manager):
        appointment = attended_now()
        appointment_undo_attend(appointment=appointment, user=manager, reason=" Wrong patient ")
        appointment.refresh_from_db()
        assert (appointment.state, appointment.attended_at) == (State.ACTIVE, None)
        latest = Appointment.history.filter(id=appointment.pk).latest()
        assert (latest.state, latest.history_type) == (State.ACTIVE, "~")
        assert latest.history_user == manager
        assert latest.history_change_reason == "undo arrival: Wrong patient"

    def test_a_receptionist_may_not(self, receptionist):
        appointment = attended_now()
        with pytest.raises(PermissionDenied):
            appointment_undo_attend(appointment=appointment, user=receptionist, reason="Oops")
        appointment.refresh_from_db()
        assert appointment.state == State.ATTENDED

    @pytest.mark.parametrize(
        ("values", "code"),
        [
            ({}, "appointment_not_attended"),
            ({"ended": True}, "appointment_not_attended"),
            ({"cancelled": True}, "appointment_cancelled"),
        ],
    )
    def test_only_an_attended_appointment_has_an_arrival_to_undo(self, manager, values, code):
        appointment = AppointmentFactory(**values)
        with pytest.raises(Conflict) as refusal:
            appointment_undo_attend(appointment=appointment, user=manager, reason="Oops")
        assert refusal.value.code == code

    def test_it_can_be_undone_until_the_end_and_not_at_the_end(self, manager):
        appointment = attended_now()
        end = appointment.ends_at
        with pytest.raises(Conflict) as refusal:
            appointment_undo_attend(appointment=appointment, user=manager, reason="x", now=end)
        assert refusal.value.code == "appointment_ended"
        just_before = end - dt.timedelta(seconds=1)
        appointment_undo_attend(appointment=appointment, user=manager, reason="x", now=just_before)
        assert Appointment.objects.get(pk=appointment.pk).state == State.ACTIVE

    def test_a_second_undo_finds_nothing_to_undo(self, manager):
        appointment = attended_now()
        appointment_undo_attend(appointment=appointment, user=manager, reason="Twin")
        with pytest.raises(Conflict) as refusal:
            appointment_undo_attend(appointment=appointment, user=manager, reason="Twin")
        assert refusal.value.code == "appointment_not_attended"

    @pytest.mark.parametrize(
        ("reason", "code"),
        [("", "required"), ("   ", "required"), ("x" * 81, "max_length"), ("a\x00b", None)],
    )
    def test_a_reason_is_required_short_and_plain(self, manager, reason, code):
        appointment = attended_now()
        with pytest.raises(ValidationError) as error:
            appointment_undo_attend(appointment=appointment, user=manager, reason=reason)
        assert list(error.value.error_dict) == ["reason"]
        if code:
            assert error.value.error_dict["reason"][0].code == code
        assert Appointment.objects.get(pk=appointment.pk).state == State.ATTENDED


def url(appointment: Appointment) -> str:
    return f"/api/v1/appointments/{appointment.pk}/undo-attend/"


class TestAPI:
    def test_undo_attend_answers_the_appointment_active_again(self, api):
        appointment = attended_now()
        response = api.post(url(appointment), {"reason": "Marked the wrong patient"})
        assert response.status_code == 200, response.json()
        assert (response.json()["status"], response.json()["attended_at"]) == ("active", None)
        latest = Appointment.history.filter(id=appointment.pk).latest()
        assert latest.history_change_reason == "api; undo arrival: Marked the wrong patient"

    @pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "  "}, {"reason": 5}])
    def test_a_reason_is_required(self, api, body):
        appointment = attended_now()
        assert_error(api.post(url(appointment), body), 400, "validation_error")
        assert Appointment.objects.get(pk=appointment.pk).state == State.ATTENDED

    def test_an_unknown_field_is_refused(self, api):
        response = api.post(url(attended_now()), {"reason": "x", "force": True})
        assert_error(response, 400, "unknown_field", field="force")

    def test_not_attended_and_ended_are_409s(self, api):
        assert_error(
            api.post(url(AppointmentFactory()), {"reason": "x"}), 409, "appointment_not_attended"
        )
        ended = AppointmentFactory(ended=True, attended=True)
        assert_error(api.post(url(ended), {"reason": "x"}), 409, "appointment_ended")

    def test_an_unknown_appointment_is_404(self, api):
        missing = "/api/v1/appointments/8a6e0804-2bd0-4672-b79d-d97027f9071a/undo-attend/"
        assert_error(api.post(missing, {"reason": "x"}), 404, "not_found")

    class TestTokenMode:
        @pytest.fixture(autouse=True)
        def token_mode(self, settings):
            settings.PANDA_API_AUTH = "token"

        def as_user(self, api, user: User):
            api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
            return api

        def test_a_receptionist_is_403_and_nothing_changes(self, api, receptionist):
            appointment = attended_now()
            response = self.as_user(api, receptionist).post(url(appointment), {"reason": "x"})
            body = assert_error(response, 403, "permission_denied")
            assert body["message"] == "Only a clinic manager may undo an arrival."
            assert Appointment.objects.get(pk=appointment.pk).state == State.ATTENDED

        def test_a_manager_may_and_is_the_audit_trails_user(self, api, manager):
            appointment = attended_now()
            reason = "x" * 80  # the longest, which the audit trail holds whole
            response = self.as_user(api, manager).post(url(appointment), {"reason": reason})
            assert response.status_code == 200, response.json()
            latest = Appointment.history.filter(id=appointment.pk).latest()
            assert (latest.history_user, latest.state) == (manager, State.ACTIVE)
            assert latest.history_change_reason == f"api; undo arrival: {reason}"
