"""The "Missed appointments" admin page."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone

from .conftest import NOW

URL = "/admin/analytics/missedappointmentsreport/"


@pytest.fixture
def manager(client, db):
    user = User.objects.create_user("manager", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_missedappointmentsreport"))
    client.force_login(user)
    return client


def test_clinic_managers_see_a_chart_and_the_table_of_figures(manager, crafted, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)

    response = manager.get(
        URL,
        {
            "group_by": "department",
            "period": "month",
            "metric": "missed",
            "first_day": "2025-03-01",
            "last_day": "2025-11-30",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="missed-chart"') == 1
    assert page.count('class="series"') == 2  # a line for cardiology, one for oncology
    rows = response.context["report"].rows
    assert [(r.group_name, r.period.start.month, r.missed) for r in rows] == [
        ("cardiology", 3, 2),
        ("cardiology", 4, 1),
        ("oncology", 10, 2),
        ("oncology", 11, 1),
    ]
    assert '<td class="number">67%</td>' in page


def test_the_chart_can_show_the_rate_per_clinician_by_week(manager, crafted):
    response = manager.get(
        URL,
        {
            "group_by": "clinician",
            "period": "week",
            "metric": "missed_rate",
            "first_day": "2025-03-24",
            "last_day": "2025-04-06",
        },
    )

    assert response.status_code == 200
    assert [line.label for line in response.context["legend"]] == ["Dr Adams", "Dr Baker"]
    assert [line.values for line in response.context["legend"]] == [[100.0, 100.0], [0.0, None]]


def test_a_bad_range_is_shown_on_the_form(manager, db):
    response = manager.get(
        URL,
        {
            "group_by": "department",
            "period": "day",
            "metric": "missed",
            "first_day": "2025-03-01",
            "last_day": "2025-01-01",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["last_day"] == ["This is before the start date."]
    assert "report" not in response.context


def test_staff_without_the_permission_are_refused(client, db):
    client.force_login(User.objects.create_user("clerk", password="x", is_staff=True))

    assert client.get(URL).status_code == 403


@pytest.mark.parametrize(("role", "status"), [("Clinic manager", 200), ("Receptionist", 403)])
def test_clinic_managers_may_open_it_and_receptionists_may_not(client, db, role, status):
    user = User.objects.create_user(role.lower(), password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)

    assert client.get(URL).status_code == status


def test_the_form_shows_the_range_in_use_when_none_was_given(manager, crafted, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    response = manager.get(URL)
    report = response.context["report"]
    page = response.content.decode()
    assert f'name="first_day" value="{report.first_day.isoformat()}"' in page
    assert f'name="last_day" value="{report.last_day.isoformat()}"' in page
