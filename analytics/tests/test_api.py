"""GET /api/v1/stats/missed-appointments/."""

import contextlib
import datetime as dt
import gc
import weakref

import pytest
from django.utils import timezone

from analytics.views import collector_paused
from panda_project.testing import assert_error

from .conftest import NOW, roll_up_2025, rollup_reads_only

URL = "/api/v1/stats/missed-appointments/"


@pytest.fixture
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def test_monthly_figures_per_department(api, crafted, frozen_now):
    response = api.get(URL, {"group_by": "department", "from": "2025-03-15", "to": "2025-11-15"})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["group_by"], body["period"], body["time_zone"]) == (
        "department",
        "month",
        "Europe/London",
    )
    assert body["periods"][0] == {"start": "2025-03-01", "end": "2025-03-31"}
    assert body["periods"][-1] == {"start": "2025-11-01", "end": "2025-11-30"}
    first, *_, last = body["results"]
    assert first == {
        "group": {
            "id": crafted["cardiology"].pk,
            "name": "cardiology",
            "url": f"http://testserver/api/v1/departments/{crafted['cardiology'].pk}/",
        },
        "period": {"start": "2025-03-01", "end": "2025-03-31"},
        "booked": 3,
        "attended": 1,
        "cancelled": 0,
        "missed": 2,
        "missed_rate": 0.6667,
        "minutes_lost": 90,
    }
    assert (last["group"]["name"], last["period"]["start"], last["missed_rate"]) == (
        "oncology",
        "2025-11-01",
        0.3333,
    )


def test_filters_by_clinician_and_department_and_groups_by_clinician(api, crafted, frozen_now):
    response = api.get(
        URL,
        {
            "group_by": "clinician",
            "period": "day",
            "from": "2025-10-20",
            "to": "2025-11-20",
            "clinician": crafted["baker"].pk,
            "department": crafted["oncology"].pk,
        },
    )

    rows = [
        (r["group"]["name"], r["period"]["start"], r["booked"], r["missed"])
        for r in response.json()["results"]
    ]
    assert rows == [("Dr Baker", "2025-10-26", 2, 1), ("Dr Baker", "2025-11-15", 2, 1)]


def test_appointments_without_a_site_form_a_group_with_no_id(api, crafted, frozen_now):
    body = api.get(URL, {"group_by": "site", "from": "2025-11-01", "to": "2025-11-30"}).json()

    assert [r["group"] for r in body["results"]][-1] == {"id": None, "name": None, "url": None}


def test_the_endpoint_reads_the_rollup_once_it_is_built(api, crafted, frozen_now):
    query = {"group_by": "clinician", "period": "week"}
    first = api.get(URL, query)
    roll_up_2025()
    with rollup_reads_only():
        response = api.get(URL, query)

    assert response.status_code == 200
    assert response.json() == first.json()


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ({"group_by": "ward"}, "group_by", "invalid_choice"),
        ({"period": "year"}, "period", "invalid_choice"),
        ({"from": "2025-02-30"}, "from", "invalid"),
        ({"from": "2025-03-01", "to": "2025-02-01"}, "to", "date_order"),
        ({"period": "day", "from": "2020-01-01", "to": "2025-01-01"}, "to", "too_many_periods"),
        ({"from": "0001-01-01"}, "from", "date_range"),
        ({"clinician": "abc"}, "clinician", "invalid"),
        ({"grup_by": "site"}, "grup_by", "unknown_parameter"),
    ],
)
def test_bad_queries_get_the_error_shape(api, db, query, field, code):
    assert_error(api.get(URL, query), 400, code, field)


def test_defaults_are_twelve_months_per_department_up_to_today(api, db, frozen_now):
    body = api.get(URL).json()

    assert (body["group_by"], body["period"], body["results"]) == ("department", "month", [])
    assert [p["start"] for p in body["periods"]][::11] == ["2024-12-01", "2025-11-01"]
    assert dt.date.fromisoformat(body["periods"][-1]["end"]) == dt.date(2025, 11, 30)


def test_the_garbage_collector_is_paused_for_the_report_and_on_again_after(
    api, crafted, frozen_now, monkeypatch
):
    from analytics import views

    seen = []
    report = views.missed_appointments

    def watched(**options):
        seen.append(gc.isenabled())
        return report(**options)

    monkeypatch.setattr(views, "missed_appointments", watched)
    assert api.get(URL, {"group_by": "clinician", "period": "day"}).status_code == 200
    assert seen == [False]
    assert gc.isenabled()
    assert_error(api.get(URL, {"from": "2025-03-01", "to": "2025-02-01"}), 400, "date_order", "to")
    assert gc.isenabled()


def test_a_collector_turned_off_before_is_left_off():
    from analytics.views import collector_paused

    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_answer_leaves_the_collector_nothing_to_walk_and_lets_the_report_go(
    api, crafted, frozen_now, monkeypatch
):
    """A year of days per clinician is 73,000 results: each must be a dict the collector does
    not track (its group and period are written JSON, not dicts), and the report's rows must be
    gone before the collector is on again, or its next pass walks them all."""
    from analytics import views

    reports = []
    report = views.missed_appointments

    def kept(**options):
        reports.append(weakref.ref(found := report(**options)))
        return found

    monkeypatch.setattr(views, "missed_appointments", kept)
    monkeypatch.setattr(views, "collector_paused", _checking_the_report_is_gone(reports))
    response = api.get(URL, {"group_by": "clinician", "period": "day"})

    assert response.status_code == 200
    results = response.data["results"]
    assert len(results) > 1
    assert not any(gc.is_tracked(result) for result in results)
    assert response.json()["results"][0]["group"]["url"].startswith("http")


def _checking_the_report_is_gone(reports: list):
    @contextlib.contextmanager
    def checking():
        with collector_paused():
            yield
            assert reports and reports[0]() is None, "the report outlived the pause"

    return checking


def test_an_indented_answer_shows_the_same_figures(api, crafted, frozen_now):
    query = {"group_by": "clinician", "period": "day"}
    compact = api.get(URL, query)
    indented = api.get(URL, query, HTTP_ACCEPT="application/json; indent=2")

    assert indented.status_code == 200
    assert indented.content.startswith(b'{\n  "group_by"')
    assert indented.json() == compact.json()
