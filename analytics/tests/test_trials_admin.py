"""The "Reminder trials" admin page, and the missed-appointments page grouped by reminder."""

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from .conftest import NOW

URL = "/admin/analytics/remindertrialreport/"


@pytest.fixture
def manager(client, db):
    user = User.objects.create_user("manager", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Clinic manager"))
    client.force_login(user)
    return client


def test_clinic_managers_see_the_variants_compared_with_a_chart(manager, trial, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)

    response = manager.get(URL, {"first_day": "2025-10-01", "last_day": "2025-10-31"})

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="trial-chart"') == 1
    assert page.count('class="variant"') == 4  # a row of the chart per variant
    assert page.count("<rect") == 3 + 2  # rates of three variants, two odds ratios
    rows = response.context["report"].rows
    assert [(r.variant_name, r.appointments, r.missed) for r in rows] == [
        ("Standard", 10, 3),
        ("Cost", 10, 1),
        ("Plain", 2, 0),
        ("Unused", 0, 0),
    ]
    assert '<td class="number">33.3%</td>' in page
    assert '<td class="number">0.25 (0.02&ndash;3.04)</td>' in page
    assert '<td class="number">0.37 (0.01&ndash;10.10)*</td>' in page
    assert "Haldane-Anscombe" in page
    assert "Appointments from 1 Oct 2025 to 31 Oct 2025 (Europe/London)" in page


def test_without_dates_it_shows_everything_up_to_today(manager, trial, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)

    response = manager.get(URL)

    assert response.status_code == 200
    assert [r.appointments for r in response.context["report"].rows] == [11, 11, 2, 0]
    assert "Appointments up to 15 Nov 2025" in response.content.decode()


def test_a_bad_range_is_shown_on_the_form(manager):
    response = manager.get(URL, {"first_day": "2025-03-01", "last_day": "2025-01-01"})

    assert response.status_code == 200
    assert response.context["form"].errors["last_day"] == ["This is before the start date."]
    assert "report" not in response.context


@pytest.mark.parametrize(("role", "status"), [("Clinic manager", 200), ("Receptionist", 403)])
def test_clinic_managers_may_open_it_and_receptionists_may_not(client, db, role, status):
    user = User.objects.create_user(role.lower(), password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)

    assert client.get(URL).status_code == status


def test_the_missed_appointments_page_compares_reminded_and_not(manager, trial, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)

    response = manager.get(
        "/admin/analytics/missedappointmentsreport/",
        {
            "group_by": "reminded",
            "period": "month",
            "metric": "missed_rate",
            "first_day": "2025-10-01",
            "last_day": "2025-10-31",
        },
    )

    assert response.status_code == 200
    rows = response.context["report"].rows
    # October: 18 appointments had a reminder sent or delivered; 5 did not (a failed, a
    # skipped and two cancelled reminders, and the appointment no variant was allocated).
    assert [(r.group_name, r.booked, r.attended, r.cancelled, r.missed) for r in rows] == [
        ("not reminded", 5, 1, 2, 2),
        ("reminded", 18, 15, 0, 3),
    ]
    # Most missed first: 3 against 2.
    assert [line.label for line in response.context["legend"]] == ["reminded", "not reminded"]
    assert [line.values for line in response.context["legend"]] == [[16.7], [66.7]]
