"""Whole journeys through the API: register a patient, book, be reminded, then arrive, miss
or cancel; the reminders record each journey."""

import datetime as dt

import pytest

from reminders.tests.notify_server import SMS_TEMPLATE_ID

pytestmark = pytest.mark.django_db
UTC = dt.UTC
NOW = dt.datetime(2030, 1, 7, 10, 0, tzinfo=UTC)
STARTS = "2030-01-14T14:00:00+00:00"


@pytest.fixture
def journey(api, time_machine, settings, notify, django_capture_on_commit_callbacks):
    settings.PANDA_REMINDER_QUIET_HOURS = None
    time_machine.move_to(NOW, tick=False)
    clinician = api.post("/api/v1/clinicians/", {"name": "Dr Ada Jones"}).json()["id"]
    department = api.post("/api/v1/departments/", {"name": "Cardiology"}).json()["id"]
    patient = {
        "nhs_number": "9434765919",
        "name": "Siân Jones",
        "date_of_birth": "1980-01-01",
        "postcode": "CF10 1EP",
        "phone": "07911 123456",
        "language": "cy",
    }
    assert api.post("/api/v1/patients/", patient).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        booked = api.post(
            "/api/v1/appointments/",
            {
                "patient": "9434765919",
                "starts_at": STARTS,
                "duration": "30m",
                "clinician": clinician,
                "department": department,
                "postcode": "CF10 1EP",
            },
        )
    assert booked.status_code == 201
    return booked.json()["id"]


def reminders(api, appointment_id):
    rows = api.get(f"/api/v1/appointments/{appointment_id}/reminders/").json()["results"]
    return [(row["offset"], row["state"]) for row in rows]


@pytest.mark.parametrize(
    ("ending", "after"),
    [
        ("arrive", [("5d", "sent"), ("1d", "sent")]),
        ("cancel", [("5d", "sent"), ("1d", "cancelled")]),
        ("miss", [("5d", "sent"), ("1d", "sent")]),
    ],
)
def test_register_book_remind_then_arrive_cancel_or_miss(
    api, journey, run_due_tasks, time_machine, notify, ending, after
):
    assert reminders(api, journey) == [("5d", "scheduled"), ("1d", "scheduled")]
    time_machine.move_to(dt.datetime(2030, 1, 9, 14, 0, tzinfo=UTC))
    run_due_tasks()
    assert reminders(api, journey) == [("5d", "sent"), ("1d", "scheduled")]
    (first,) = notify.accepted
    assert first["template_id"] == SMS_TEMPLATE_ID
    assert first["personalisation"]["date"] == "Dydd Llun 14 Ionawr 2030"
    assert first["personalisation"]["body"].startswith("Nodyn atgoffa: mae gennych apwyntiad")
    if ending == "cancel":
        time_machine.move_to(dt.datetime(2030, 1, 12, 9, 0, tzinfo=UTC))
        assert api.post(f"/api/v1/appointments/{journey}/cancel/").status_code == 200
    time_machine.move_to(dt.datetime(2030, 1, 13, 14, 0, tzinfo=UTC))
    run_due_tasks()
    if ending == "arrive":  # on the day, once check-in has opened
        time_machine.move_to(dt.datetime(2030, 1, 14, 8, 0, tzinfo=UTC))
        assert api.post(f"/api/v1/appointments/{journey}/attend/").status_code == 200
    time_machine.move_to(dt.datetime(2030, 1, 15, 9, 0, tzinfo=UTC))  # after it ended
    run_due_tasks()
    assert reminders(api, journey) == after
    status = api.get(f"/api/v1/appointments/{journey}/").json()["status"]
    assert status == {"arrive": "attended", "cancel": "cancelled", "miss": "missed"}[ending]
    assert len(notify.accepted) == (1 if ending == "cancel" else 2)
