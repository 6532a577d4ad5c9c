"""Every list offers limit/offset pages (the default, with a count that is exact up to a limit)
and keyset pages (?cursor=)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appointments.tests.factories import AppointmentFactory
from panda_project.api import pagination
from panda_project.testing import assert_error
from patients.models import Patient
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
PATIENTS = "/api/v1/patients/"


def _walk(api, url: str) -> list[dict]:
    rows = []
    while url:
        body = api.get(url).json()
        assert "count" not in body
        rows.extend(body["results"])
        url = body["next"]
    return rows


def test_limit_and_offset_stay_the_default_with_a_count(api):
    PatientFactory.create_batch(3)
    body = api.get(PATIENTS, {"limit": 2, "offset": 1}).json()
    assert body["count"] == 3
    assert len(body["results"]) == 2


def test_cursor_pages_walk_every_patient_once_in_order(api):
    PatientFactory.create_batch(7)
    rows = _walk(api, f"{PATIENTS}?cursor=&limit=3")
    expected = list(Patient.objects.order_by("id").values_list("nhs_number", flat=True))
    assert [row["nhs_number"] for row in rows] == expected


def test_cursor_pages_follow_the_requested_ordering(api):
    for name in ("Cara", "Ann", "Bea", "Dot"):
        PatientFactory(name=name)
    rows = _walk(api, f"{PATIENTS}?cursor=&limit=3&ordering=-name")
    assert [row["name"] for row in rows] == ["Dot", "Cara", "Bea", "Ann"]


def test_cursor_pages_keep_the_filters(api):
    PatientFactory.create_batch(2, postcode="SW1A 1AA")
    PatientFactory.create_batch(2, postcode="M1 1AE")
    rows = _walk(api, f"{PATIENTS}?cursor=&limit=1&postcode=m11ae")
    assert [row["postcode"] for row in rows] == ["M1 1AE", "M1 1AE"]


def test_appointments_starting_at_the_same_time_are_each_listed_once(api):
    start = timezone.now() + dt.timedelta(days=3)
    booked = {str(AppointmentFactory(starts_at=start).id) for _ in range(5)}
    rows = _walk(api, "/api/v1/appointments/?cursor=&limit=2")
    assert sorted(row["id"] for row in rows) == sorted(booked)


def test_an_unreadable_cursor_is_a_400(api):
    assert_error(api.get(PATIENTS, {"cursor": "not-a-cursor!"}), 400, "invalid_cursor", "cursor")


@pytest.mark.parametrize("limit", ["0", "101", "ten"])
def test_a_bad_limit_with_a_cursor_is_a_400(api, limit):
    assert_error(api.get(PATIENTS, {"cursor": "", "limit": limit}), 400, "invalid", "limit")


def test_the_schema_offers_both_kinds_of_pagination(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    names = {parameter["name"] for parameter in schema["paths"][PATIENTS]["get"]["parameters"]}
    assert {"limit", "offset", "cursor"} <= names


@pytest.fixture
def count_limit(monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 3)


def test_count_is_exact_up_to_the_limit(api, count_limit):
    PatientFactory.create_batch(3)
    body = api.get(PATIENTS, {"limit": 2}).json()
    assert body["count"] == 3
    assert "offset=2" in body["next"]
    last = api.get(body["next"]).json()
    assert last["count"] == 3
    assert last["next"] is None


def test_count_is_null_beyond_the_limit_and_next_still_says_whether_there_is_more(api, count_limit):
    PatientFactory.create_batch(5)
    first = api.get(PATIENTS, {"limit": 2}).json()
    second = api.get(first["next"]).json()
    third = api.get(second["next"]).json()
    assert [page["count"] for page in (first, second, third)] == [None, None, None]
    assert [len(page["results"]) for page in (first, second, third)] == [2, 2, 1]
    assert third["next"] is None
    assert api.get(PATIENTS, {"limit": 5}).json()["next"] is None
    assert "offset=2" in third["previous"]


def test_count_follows_the_filters(api, count_limit):
    PatientFactory.create_batch(5, postcode="M1 1AE")
    PatientFactory.create_batch(2, postcode="SW1A 1AA")
    assert api.get(PATIENTS, {"postcode": "SW1A1AA"}).json()["count"] == 2
    assert api.get(PATIENTS, {"postcode": "M11AE"}).json()["count"] is None


def test_an_offset_past_the_end_is_an_empty_page(api, count_limit):
    PatientFactory.create_batch(5)
    for offset in (3, 5, 50):
        body = api.get(PATIENTS, {"offset": offset, "limit": 2}).json()
        assert len(body["results"]) == min(2, max(0, 5 - offset))
    body = api.get(PATIENTS, {"offset": 50}).json()
    assert body["results"] == []
    assert body["next"] is None


@pytest.mark.parametrize(
    ("url", "key"),
    [(f"{PATIENTS}?ordering=-name", "nhs_number"), ("/api/v1/appointments/?", "id")],
)
def test_deep_pages_read_keys_first_and_list_the_same_rows(api, monkeypatch, url, key):
    for name in ("Cara", "Ann", "Bea", "Dot", "Eve", "Fay", "Gil"):
        AppointmentFactory(patient=PatientFactory(name=name))
    expected = [row[key] for row in api.get(url, {"limit": 100}).json()["results"]]
    monkeypatch.setattr(pagination, "DEFERRED_JOIN_OFFSET", 2)
    pages = []
    for offset in (0, 3, 6):
        with CaptureQueriesContext(connection) as queries:
            pages.append(api.get(url, {"offset": offset, "limit": 3}).json())
        # Past DEFERRED_JOIN_OFFSET, the page's rows are fetched by the keys read first.
        fetched_by_key = any(" IN (" in query["sql"] for query in queries)
        assert fetched_by_key == (offset >= 2), queries.captured_queries
    assert [row[key] for page in pages for row in page["results"]] == expected
    assert [page["next"] is None for page in pages] == [False, False, True]


def test_the_schema_says_count_may_be_null(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    count = schema["components"]["schemas"]["PaginatedPatientList"]["properties"]["count"]
    assert count["nullable"] is True
    assert "10,000" in count["description"]
