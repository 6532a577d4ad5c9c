"""The reminders API: an appointment's reminders, and Notify's delivery callback."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from reminders.models import Reminder

pytestmark = pytest.mark.django_db
TOKEN = "callback-token-0123456789"


@pytest.fixture
def appointment(book):
    return book(timezone.now() + dt.timedelta(days=6))


def reminders_url(appointment) -> str:
    return f"/api/v1/appointments/{appointment.pk}/reminders/"


def test_an_appointments_reminders_are_listed_in_due_order(api, appointment):
    body = api.get(reminders_url(appointment)).json()
    assert body["count"] == 2
    rows = body["results"]
    assert [(r["channel"], r["offset"], r["state"], r["variant"]) for r in rows] == [
        ("sms", "5d", "scheduled", "Standard"),
        ("sms", "1d", "scheduled", "Standard"),
    ]
    assert rows[0]["due_at"] < rows[1]["due_at"]
    assert set(rows[0]) == {
        "id",
        "channel",
        "offset",
        "appointment_starts_at",
        "due_at",
        "state",
        "attempts",
        "provider_id",
        "sent_at",
        "failure_reason",
        "variant",
        "created_at",
        "updated_at",
    }


def test_the_reminder_list_is_paginated(api, appointment):
    body = api.get(reminders_url(appointment), {"limit": 1, "offset": 1}).json()
    assert (body["count"], len(body["results"]), body["results"][0]["offset"]) == (2, 1, "1d")


def test_the_reminder_list_pages_by_cursor_in_due_order(api, appointment):
    first = api.get(reminders_url(appointment), {"cursor": "", "limit": 1}).json()
    assert [row["offset"] for row in first["results"]] == ["5d"]
    second = api.get(first["next"]).json()
    assert [row["offset"] for row in second["results"]] == ["1d"]
    assert second["next"] is None


def test_the_reminder_list_can_be_ordered_latest_first(api, appointment):
    rows = api.get(reminders_url(appointment), {"ordering": "-due_at"}).json()["results"]
    assert [row["offset"] for row in rows] == ["1d", "5d"]


def test_an_unknown_query_parameter_is_refused(api, appointment):
    response = api.get(reminders_url(appointment), {"state": "sent"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "state": [
            {
                "code": "unknown_parameter",
                "message": "This query parameter is not known here. "
                "Known: cursor, limit, offset, ordering.",
            }
        ]
    }


@pytest.mark.parametrize("key", [uuid.UUID(int=1), "not-a-uuid"])
def test_an_unknown_appointment_is_a_404(api, key):
    response = api.get(f"/api/v1/appointments/{key}/reminders/")
    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "code": "not_found",
        "message": "No appointment has this id.",
        "errors": {},
    }


def test_the_reminder_list_costs_a_fixed_number_of_queries(
    api, appointment, django_assert_num_queries
):
    with django_assert_num_queries(3):  # the appointment, the count, the page with variants
        assert api.get(reminders_url(appointment)).status_code == 200


class TestCallback:
    URL = "/api/v1/notify/callback/"

    @pytest.fixture(autouse=True)
    def _token(self, settings):
        settings.PANDA_NOTIFY_CALLBACK_TOKEN = TOKEN

    @pytest.fixture
    def sent(self, appointment):
        reminder = Reminder.objects.filter(appointment=appointment).order_by("due_at").first()
        Reminder.objects.filter(pk=reminder.pk).update(
            state="sent", sent_at=timezone.now(), provider_id="n-1"
        )
        return reminder

    def post(self, api, reference, status="delivered", token=TOKEN):
        body = {"id": "n-1", "reference": str(reference), "status": status, "to": "07911123456"}
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        return api.post(self.URL, body, format="json", **headers)

    def test_delivery_is_recorded(self, api, sent):
        response = self.post(api, sent.pk)
        assert response.status_code == 200
        assert response.json()["state"] == "delivered"
        sent.refresh_from_db()
        assert sent.state == "delivered"

    @pytest.mark.parametrize(
        ("status", "reason"),
        [
            ("permanent-failure", "permanent-failure: the provider could not deliver it"),
            ("temporary-failure", "temporary-failure: the phone or inbox was unavailable"),
            ("technical-failure", "technical-failure: the provider had a technical problem"),
        ],
    )
    def test_a_failure_is_recorded_with_its_kind(self, api, sent, status, reason):
        assert self.post(api, sent.pk, status).status_code == 200
        sent.refresh_from_db()
        assert (sent.state, sent.failure_reason) == ("failed", reason)

    def test_a_repeated_report_changes_nothing(self, api, sent):
        self.post(api, sent.pk)
        assert self.post(api, sent.pk, "permanent-failure").json()["state"] == "delivered"

    @pytest.mark.parametrize("token", [None, "wrong", TOKEN + "x"])
    def test_a_bad_token_is_a_401(self, api, sent, token):
        response = self.post(api, sent.pk, token=token)
        assert response.status_code == 401
        assert response.json() == {
            "status": 401,
            "code": "authentication_failed",
            "message": "This callback token is not valid.",
            "errors": {},
        }
        sent.refresh_from_db()
        assert sent.state == "sent"

    def test_no_token_configured_refuses_every_callback(self, api, sent, settings):
        settings.PANDA_NOTIFY_CALLBACK_TOKEN = ""
        assert self.post(api, sent.pk, token="").status_code == 401

    @pytest.mark.parametrize("reference", [uuid.UUID(int=5), "not-a-uuid"])
    def test_an_unknown_reference_is_a_404(self, api, reference):
        response = self.post(api, reference)
        assert response.status_code == 404
        assert response.json()["message"] == "No reminder has this reference."

    def test_a_reminder_never_sent_cannot_be_delivered(self, api, appointment):
        scheduled = Reminder.objects.filter(appointment=appointment).first()
        response = self.post(api, scheduled.pk)
        assert response.status_code == 409
        assert response.json()["code"] == "reminder_not_sent"

    def test_an_unknown_status_is_a_400(self, api, sent):
        response = self.post(api, sent.pk, "lost")
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["status"]

    def test_the_callback_works_when_the_api_needs_tokens(self, api, sent, settings):
        settings.PANDA_API_AUTH = "token"
        assert self.post(api, sent.pk).status_code == 200
