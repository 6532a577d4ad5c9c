"""Appointments keep their instant exactly across the UK's clock changes.

In 2031 the clocks go forward on Sunday 30 March (01:00 GMT becomes 02:00 BST, so 01:00-01:59
local time does not exist) and back on Sunday 26 October (02:00 BST becomes 01:00 GMT, so
01:00-01:59 local time happens twice).
"""

import datetime as dt

import pytest

from appointments.models import Appointment
from appointments.tests.factories import AppointmentFactory
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from panda_project.testing import assert_error
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/appointments/"
UTC = dt.UTC


@pytest.fixture
def booking():
    PatientFactory(nhs_number="9434765919")
    return {
        "patient": "9434765919",
        "clinician": ClinicianFactory().pk,
        "department": DepartmentFactory().pk,
        "postcode": "CF10 1AA",
    }


def book(api, booking, starts_at: str, duration: str) -> dict:
    response = api.post(URL, booking | {"starts_at": starts_at, "duration": duration})
    assert response.status_code == 201, response.json()
    return response.json()


def instant(text: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(text)
    assert parsed.utcoffset() is not None, text
    return parsed


class TestOctoberClockChange:
    def test_an_appointment_across_the_change_keeps_its_real_duration_and_end(self, api, booking):
        # 00:30 BST to 01:30 GMT looks like one hour on the wall clock; it is two.
        body = book(api, booking, "2031-10-26T00:30:00+01:00", "2h")
        assert body["duration"] == "2h"
        assert instant(body["starts_at"]) == dt.datetime(2031, 10, 25, 23, 30, tzinfo=UTC)
        assert instant(body["ends_at"]) == dt.datetime(2031, 10, 26, 1, 30, tzinfo=UTC)
        assert instant(body["starts_at"]).utcoffset() == dt.timedelta(hours=1)
        assert instant(body["ends_at"]).utcoffset() == dt.timedelta(0)
        stored = Appointment.objects.get(pk=body["id"])
        assert stored.ends_at - stored.starts_at == dt.timedelta(hours=2)
        assert api.get(body["url"]).json() == body

    def test_an_end_can_be_earlier_on_the_wall_clock_than_the_start(self, api, booking):
        body = book(api, booking, "2031-10-26T01:40:00+01:00", "30m")
        assert body["starts_at"].startswith("2031-10-26T01:40:00")
        assert body["ends_at"].startswith("2031-10-26T01:10:00")
        assert instant(body["ends_at"]) - instant(body["starts_at"]) == dt.timedelta(minutes=30)

    def test_the_repeated_hour_is_told_apart_by_its_offset(self, api, booking):
        first = book(api, booking, "2031-10-26T01:30:00+01:00", "15m")
        second = book(api, booking, "2031-10-26T01:30:00+00:00", "15m")
        assert instant(first["starts_at"]).utcoffset() == dt.timedelta(hours=1)
        assert instant(second["starts_at"]).utcoffset() == dt.timedelta(0)
        assert instant(second["starts_at"]) - instant(first["starts_at"]) == dt.timedelta(hours=1)
        listed = api.get(URL, {"ordering": "starts_at"}).json()["results"]
        assert [item["id"] for item in listed] == [first["id"], second["id"]]

    def test_rescheduling_the_duration_across_the_change_moves_the_end_by_real_time(
        self, api, booking
    ):
        body = book(api, booking, "2031-10-26T00:45:00+01:00", "30m")
        changed = api.patch(body["url"], {"duration": "1h30m"})
        assert changed.status_code == 200, changed.json()
        assert instant(changed.json()["ends_at"]) == dt.datetime(2031, 10, 26, 1, 15, tzinfo=UTC)
        assert changed.json()["ends_at"].startswith("2031-10-26T01:15:00")


class TestMarchGap:
    def test_a_local_time_in_the_gap_sent_with_an_offset_is_kept_as_that_instant(
        self, api, booking
    ):
        # 01:30 does not exist in London that morning; 01:30+00:00 is a real instant, 02:30 BST.
        body = book(api, booking, "2031-03-30T01:30:00+00:00", "30m")
        assert instant(body["starts_at"]) == dt.datetime(2031, 3, 30, 1, 30, tzinfo=UTC)
        assert body["starts_at"] == "2031-03-30T02:30:00+01:00"
        assert body["ends_at"] == "2031-03-30T03:00:00+01:00"
        stored = Appointment.objects.get(pk=body["id"])
        assert stored.starts_at == dt.datetime(2031, 3, 30, 1, 30, tzinfo=UTC)

    def test_the_gap_time_with_the_summer_offset_is_the_hour_before(self, api, booking):
        body = book(api, booking, "2031-03-30T01:30:00+01:00", "30m")
        assert instant(body["starts_at"]) == dt.datetime(2031, 3, 30, 0, 30, tzinfo=UTC)
        assert instant(body["starts_at"]).utcoffset() == dt.timedelta(0)

    def test_an_appointment_across_the_gap_keeps_its_real_duration(self, api, booking):
        # 00:30 GMT plus two hours is 03:30 BST: three hours on the wall clock.
        body = book(api, booking, "2031-03-30T00:30:00Z", "2h")
        assert body["ends_at"] == "2031-03-30T03:30:00+01:00"
        assert body["duration"] == "2h"
        stored = Appointment.objects.get(pk=body["id"])
        assert stored.ends_at - stored.starts_at == dt.timedelta(hours=2)

    def test_a_naive_time_in_the_gap_is_refused_rather_than_guessed(self, api, booking):
        response = api.post(URL, booking | {"starts_at": "2031-03-30T01:30:00", "duration": "30m"})
        body = assert_error(response, 400, "timezone_required", field="starts_at")
        assert "time zone" in body["errors"]["starts_at"][0]["message"]
        assert not Appointment.objects.exists()


def test_time_filters_compare_instants_whatever_the_offset(api, booking):
    body = book(api, booking, "2031-10-26T01:30:00+00:00", "15m")
    same_instant_elsewhere = {"starts_after": "2031-10-26T02:29:00+01:00"}
    assert [item["id"] for item in api.get(URL, same_instant_elsewhere).json()["results"]] == [
        body["id"]
    ]
    assert api.get(URL, {"starts_before": "2031-10-26T01:30:00+00:00"}).json()["count"] == 0


def test_the_admin_shows_times_in_london_and_says_so(admin_client):
    summer = dt.datetime(2031, 6, 4, 15, 30, tzinfo=UTC)
    winter = dt.datetime(2031, 12, 4, 15, 30, tzinfo=UTC)
    for starts_at in (summer, winter):
        AppointmentFactory(starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=30))
    page = admin_client.get("/admin/appointments/appointment/").content.decode()
    assert "16:30 BST" in page
    assert "15:30 GMT" in page
    form = admin_client.get("/admin/appointments/appointment/add/").content.decode()
    assert "Local time (Europe/London)." in form
