"""GET /api/v1/stats/reminders/."""

import pytest
from django.utils import timezone

from panda_project.testing import assert_error

from .conftest import NOW

URL = "/api/v1/stats/reminders/"


@pytest.fixture
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def test_the_variants_figures_and_odds_ratios(api, trial, frozen_now):
    response = api.get(URL, {"from": "2025-10-01", "to": "2025-10-31"})

    assert response.status_code == 200, response.json()
    body = response.json()
    standard, cost, plain, unused = trial.values()
    assert body == {
        "from": "2025-10-01",
        "to": "2025-10-31",
        "time_zone": "Europe/London",
        "confidence": 0.95,
        "reference": {"id": standard.pk, "name": "Standard"},
        "results": [
            {
                "variant": {"id": standard.pk, "name": "Standard"},
                "reference": True,
                "appointments": 10,
                "reminded": 7,
                "attended": 6,
                "cancelled": 1,
                "missed": 3,
                "missed_rate": 0.3333,
                "odds_ratio": None,
            },
            {
                "variant": {"id": cost.pk, "name": "Cost"},
                "reference": False,
                "appointments": 10,
                "reminded": 9,
                "attended": 8,
                "cancelled": 1,
                "missed": 1,
                "missed_rate": 0.1111,
                "odds_ratio": {
                    "estimate": 0.25,
                    "ci_low": 0.0206,
                    "ci_high": 3.041,
                    "corrected": False,
                },
            },
            {
                "variant": {"id": plain.pk, "name": "Plain"},
                "reference": False,
                "appointments": 2,
                "reminded": 2,
                "attended": 2,
                "cancelled": 0,
                "missed": 0,
                "missed_rate": 0.0,
                "odds_ratio": {
                    "estimate": 0.3714,
                    "ci_low": 0.0137,
                    "ci_high": 10.098,
                    "corrected": True,
                },
            },
            {
                "variant": {"id": unused.pk, "name": "Unused"},
                "reference": False,
                "appointments": 0,
                "reminded": 0,
                "attended": 0,
                "cancelled": 0,
                "missed": 0,
                "missed_rate": None,
                "odds_ratio": None,
            },
        ],
    }


def test_by_default_from_the_first_appointment_to_today(api, trial, frozen_now):
    body = api.get(URL).json()

    assert (body["from"], body["to"]) == (None, "2025-11-15")
    assert [row["appointments"] for row in body["results"]] == [11, 11, 2, 0]


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ({"from": "2025-02-30"}, "from", "invalid"),
        ({"to": "yesterday"}, "to", "invalid"),
        ({"from": "2025-03-01", "to": "2025-02-01"}, "to", "date_order"),
        ({"from": "0001-01-01"}, "from", "date_range"),
        ({"group_by": "variant"}, "group_by", "unknown_field"),
        ({"form": "2025-01-01"}, "form", "unknown_field"),
    ],
)
def test_bad_queries_get_the_error_shape(api, db, query, field, code):
    assert_error(api.get(URL, query), 400, code, field)
