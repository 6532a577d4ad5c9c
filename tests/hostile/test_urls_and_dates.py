"""Identifiers in URLs and query strings, and timestamps at and beyond their limits."""

import pytest

from appointments.models import Appointment
from appointments.tests.factories import AppointmentFactory
from panda_project.testing import assert_error

from .conftest import NHS_NUMBER, URLS

UNKNOWN_PATIENTS = [
    "9434765918",  # a wrong check digit
    "4010232137",  # valid, but nobody's
    "943476591",
    "94347659190",
    "abcdefghij",
    "%00",
    "9434765919%00",
    "%2e%2e",
    "..%2f..%2f",
    "%E2%80%AE9434765919",
    "9" * 500,
    "' OR 1=1 --",
]
UNKNOWN_APPOINTMENTS = [
    "not-a-uuid",
    "00000000-0000-0000-0000-000000000000",
    "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "3fa85f64-5717-4562-b3fc-2c963f66afa6x",
    "3fa85f64-5717-4562-b3fc",
    "%00",
    "1",
    "g" * 32,
]


@pytest.mark.usefixtures("nothing_stored")
@pytest.mark.parametrize("nhs_number", UNKNOWN_PATIENTS)
@pytest.mark.parametrize("suffix", ["", "addresses/", "appointments/"])
def test_an_unknown_or_malformed_nhs_number_in_a_url_is_404(client, nhs_number, suffix):
    response = client.get(f"/api/v1/patients/{nhs_number}/{suffix}")
    assert_error(response, 404, "not_found")


@pytest.mark.usefixtures("nothing_stored")
@pytest.mark.parametrize("nhs_number", UNKNOWN_PATIENTS[:3])
@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_writes_to_an_unknown_patient_are_404(api, valid, nhs_number, method):
    response = api.generic(method, f"/api/v1/patients/{nhs_number}/", valid["patients"])
    assert_error(response, 404, "not_found")


@pytest.mark.usefixtures("nothing_stored")
@pytest.mark.parametrize("appointment", UNKNOWN_APPOINTMENTS)
@pytest.mark.parametrize(
    ("method", "suffix"), [("GET", ""), ("POST", "cancel/"), ("POST", "attend/"), ("DELETE", "")]
)
def test_an_unknown_or_malformed_appointment_id_is_404(client, appointment, method, suffix):
    response = client.generic(method, f"/api/v1/appointments/{appointment}/{suffix}")
    assert_error(response, 404, "not_found")


@pytest.mark.usefixtures("nothing_stored")
@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        (URLS["patients"], "name"),
        (URLS["patients"], "nhs_number"),
        (URLS["patients"], "postcode"),
        (URLS["appointments"], "patient"),
        (f"/api/v1/patients/{NHS_NUMBER}/appointments/", "patient"),
    ],
)
@pytest.mark.parametrize("value", ["\x00", "a\x00b", "\x1b[31m"])
def test_control_characters_in_a_filter_are_400(client, url, parameter, value):
    assert_error(client.get(url, {parameter: value}), 400, "control_characters", parameter)


@pytest.mark.usefixtures("nothing_stored")
@pytest.mark.parametrize(
    ("parameter", "value", "code"),
    [
        ("starts_after", "2023-02-30T10:00:00Z", "datetime_invalid"),
        ("starts_after", "2030-01-01T10:00:00", "timezone_required"),
        ("starts_after", "\x00", "null_characters_not_allowed"),
        ("limit", "\x00", "invalid"),
        ("limit", "10" * 50, "invalid"),
        ("offset", "-1", "invalid"),
        ("clinician", "\x00", "null_characters_not_allowed"),
        ("status", "\x00", "invalid_choice"),
    ],
)
def test_malformed_list_parameters_are_400(client, world, parameter, value, code):
    assert_error(client.get(URLS["appointments"], {parameter: value}), 400, code, parameter)


def test_nul_in_the_ordering_parameter_is_refused_like_any_unknown_ordering(client, world):
    assert_error(
        client.get(URLS["patients"], {"ordering": "\x00"}), 400, "invalid_ordering", "ordering"
    )


DATE_OF_BIRTH = [
    ("2023-02-30", "invalid"),
    ("2023-13-01", "invalid"),
    ("0001-01-01", "min_value"),
    ("9999-12-31", "date_of_birth_future"),
    ("10000-01-01", "invalid"),
    ("0000-01-01", "invalid"),
    ("-0001-01-01", "invalid"),
]


@pytest.mark.usefixtures("nothing_stored")
@pytest.mark.parametrize(("value", "code"), DATE_OF_BIRTH)
def test_impossible_or_out_of_range_dates_of_birth_are_400(api, valid, value, code):
    response = api.post(URLS["patients"], valid["patients"] | {"date_of_birth": value})
    assert_error(response, 400, code, "date_of_birth")


STARTS_AT = [
    ("2031-02-30T10:00:00Z", "datetime_invalid"),
    ("2031-06-04T24:00:00Z", "datetime_invalid"),
    ("2031-06-04T10:60:00Z", "datetime_invalid"),
    ("0001-01-01T00:00:00Z", "datetime_out_of_range"),
    ("0001-01-01T00:00:00+14:00", "datetime_out_of_range"),
    ("9999-12-31T23:59:59Z", "datetime_out_of_range"),
    ("9999-12-31T23:59:59-12:00", "datetime_out_of_range"),
    ("2031-06-04T16:30:00+14:01", "offset_out_of_range"),
    ("2031-06-04T16:30:00+15:00", "offset_out_of_range"),
    ("2031-06-04T16:30:00-12:01", "offset_out_of_range"),
    ("2031-06-04T16:30:00-14:00", "offset_out_of_range"),
    ("2031-06-04T16:30:00+99:00", "datetime_invalid"),
    ("2031-06-04T16:30:00", "timezone_required"),
    ("2031-06-04", "timezone_required"),
    ("tomorrow", "datetime_format"),
]


@pytest.mark.usefixtures("nothing_stored")
@pytest.mark.parametrize(("value", "code"), STARTS_AT)
def test_impossible_or_out_of_range_start_times_are_400(api, valid, value, code):
    response = api.post(URLS["appointments"], valid["appointments"] | {"starts_at": value})
    assert_error(response, 400, code, "starts_at")


@pytest.mark.parametrize(
    ("value", "utc"),
    [
        ("2031-06-04T16:30:00+14:00", "2031-06-04T02:30:00+00:00"),
        ("2031-06-04T16:30:00-12:00", "2031-06-05T04:30:00+00:00"),
        ("2031-06-04T16:30:00Z", "2031-06-04T16:30:00+00:00"),
    ],
)
def test_offsets_at_the_real_world_limits_are_kept_as_the_same_instant(api, valid, value, utc):
    response = api.post(URLS["appointments"], valid["appointments"] | {"starts_at": value})
    assert response.status_code == 201, response.json()
    assert Appointment.objects.get().starts_at.isoformat() == utc


def test_rescheduling_to_an_impossible_date_changes_nothing(api, world):
    appointment = AppointmentFactory(patient=world["patient"])
    before = Appointment.objects.values().get(pk=appointment.pk)
    response = api.patch(
        f"/api/v1/appointments/{appointment.pk}/", {"starts_at": "2031-02-30T10:00:00Z"}
    )
    assert_error(response, 400, "datetime_invalid", "starts_at")
    assert Appointment.objects.values().get(pk=appointment.pk) == before
