"""A "+" sent unencoded in a query string arrives as a space: where that can only be an offset,
it is read as one, on the REST lists and in FHIR's date search."""

import datetime as dt

import pytest

from appointments.tests.factories import AppointmentFactory
from panda_project.testing import assert_error

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("debug")]
UTC = dt.UTC


@pytest.fixture
def appointments():
    """One at 15:00 UTC (16:00 in London) and one at 16:00 UTC (17:00 in London)."""
    return [
        AppointmentFactory(starts_at=dt.datetime(2031, 6, 4, 15, 0, tzinfo=UTC)),
        AppointmentFactory(starts_at=dt.datetime(2031, 6, 4, 16, 0, tzinfo=UTC)),
    ]


@pytest.mark.parametrize(
    "query",
    [
        "starts_after=2031-06-04T16:30:00+01:00",  # as a browser's URL bar sends it
        "starts_after=2031-06-04T16:30:00%2B01:00",
        "starts_after=2031-06-04T16:30:00%2001:00",
        "starts_after=2031-06-04 16:30:00+01:00",
        "starts_after=2031-06-04T16:30:00.000+0100",
    ],
)
def test_the_space_for_plus_offset_is_read_as_plus(client, appointments, query):
    response = client.get(f"/api/v1/appointments/?{query}")
    assert response.status_code == 200, response.json()
    assert [a["id"] for a in response.json()["results"]] == [str(appointments[1].pk)]


def test_a_minus_offset_is_unchanged(client, appointments):
    response = client.get("/api/v1/appointments/?starts_before=2031-06-04T14:30:00-01:00")
    assert [a["id"] for a in response.json()["results"]] == [str(appointments[0].pk)]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("2031-06-04T16:30:00 1:00", "datetime_format"),
        ("soon 01:00", "datetime_format"),
        ("2031-06-04 01:00", "timezone_required"),  # the space separates the date and time
    ],
)
def test_anything_else_with_a_space_is_still_refused(client, appointments, value, code):
    response = client.get("/api/v1/appointments/", {"starts_after": value})
    assert_error(response, 400, code, "starts_after")


def test_fhir_reads_the_space_for_plus_offset_too(client, appointments):
    response = client.get("/fhir/R4/Appointment?date=ge2031-06-04T16:30:00+01:00")
    assert response.status_code == 200, response.json()
    assert [e["resource"]["id"] for e in response.json()["entry"]] == [str(appointments[1].pk)]


def test_fhirs_date_message_names_the_prefixes(client):
    response = client.get("/fhir/R4/Appointment", {"date": ">=2025-06-01"})
    assert response.status_code == 400
    assert response.json()["issue"][0]["diagnostics"] == (
        "date needs a date such as 2025, 2025-06, 2025-06-04 or 2025-06-04T16:30:00+01:00 "
        "(send + as %2B), after an optional prefix: eq, ne, lt, gt, le, ge, sa, eb, as in "
        "ge2025-06-01 (not >=2025-06-01)."
    )
