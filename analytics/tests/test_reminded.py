"""The missed-appointment figures grouped by whether a reminder was sent (group_by=reminded),
from the crafted trial (see conftest.py): in the selector, the API and the command."""

import datetime as dt
import io

from django.core.management import call_command
from django.utils import timezone

from analytics.selectors import missed_appointments

from .conftest import NOW, one_aggregate_query


def test_appointments_with_a_reminder_sent_or_delivered_form_one_group(trial):
    with one_aggregate_query():
        report = missed_appointments(
            group_by="reminded",
            period="month",
            first_day=dt.date(2025, 9, 1),
            last_day=dt.date(2025, 11, 30),
            now=NOW,
        )

    assert [
        (r.group_name, r.period.start.month, r.booked, r.attended, r.cancelled, r.missed)
        for r in report.rows
    ] == [
        ("not reminded", 10, 5, 1, 2, 2),
        ("reminded", 9, 1, 0, 0, 1),  # 30 September 23:30 BST
        ("reminded", 10, 18, 15, 0, 3),
        ("reminded", 11, 1, 0, 0, 1),  # 1 November 00:00 GMT
    ]
    assert [r.missed_rate for r in report.rows] == [0.6667, 1.0, 0.1667, 1.0]


def test_the_api_names_the_two_groups(api, trial, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)

    body = api.get(
        "/api/v1/stats/missed-appointments/",
        {"group_by": "reminded", "from": "2025-10-01", "to": "2025-10-31"},
    ).json()

    assert body["group_by"] == "reminded"
    assert [(r["group"], r["booked"], r["missed"], r["missed_rate"]) for r in body["results"]] == [
        ({"id": None, "name": "not reminded", "url": None}, 5, 2, 0.6667),
        ({"id": None, "name": "reminded", "url": None}, 18, 3, 0.1667),
    ]


def test_the_command_groups_by_reminder_too(trial, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    out = io.StringIO()

    call_command(
        "missed_report",
        "--group-by",
        "reminded",
        "--from",
        "2025-10-01",
        "--to",
        "2025-10-31",
        stdout=out,
    )

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Missed appointments by reminded and month")
    assert [line.split() for line in lines[3:]] == [
        ["not", "reminded", "2025-10-01", "5", "1", "2", "2", "66.7%", "60"],
        ["reminded", "2025-10-01", "18", "15", "0", "3", "16.7%", "90"],
    ]


def test_without_reminders_every_appointment_is_not_reminded(crafted):
    report = missed_appointments(
        group_by="reminded",
        period="month",
        first_day=dt.date(2025, 3, 1),
        now=NOW,
        last_day=dt.date(2025, 11, 30),
    )

    assert {r.group_name for r in report.rows} == {"not reminded"}
    assert sum(r.booked for r in report.rows) == 13
