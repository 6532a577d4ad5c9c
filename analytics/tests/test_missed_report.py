"""manage.py missed_report prints the API's figures as a table."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from .conftest import NOW


def run(*args) -> list[str]:
    out = io.StringIO()
    call_command("missed_report", *args, stdout=out)
    return out.getvalue().splitlines()


def test_prints_monthly_figures_per_department(crafted, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)

    lines = run("--group-by", "department", "--period", "month", "--from", "2025-03-01")

    assert lines[0] == (
        "Missed appointments by department and month, 2025-03-01 to 2025-11-30 (Europe/London)"
    )
    assert lines[1].split() == [
        "department",
        "month",
        "booked",
        "attended",
        "cancelled",
        "missed",
        "missed",
        "rate",
        "minutes",
        "lost",
    ]
    assert [line.split() for line in lines[3:]] == [
        ["cardiology", "2025-03-01", "3", "1", "0", "2", "66.7%", "90"],
        ["cardiology", "2025-04-01", "3", "1", "1", "1", "50.0%", "45"],
        ["oncology", "2025-10-01", "3", "1", "0", "2", "66.7%", "45"],
        ["oncology", "2025-11-01", "4", "1", "1", "1", "33.3%", "30"],
    ]


def test_a_day_with_only_cancellations_has_no_rate(crafted):
    lines = run("--period", "day", "--from", "2025-11-14", "--to", "2025-11-14")

    assert lines[3].split() == ["oncology", "2025-11-14", "1", "0", "1", "0", "-", "0"]


@pytest.mark.parametrize(
    "args",
    [("--from", "2025-13-01"), ("--from", "2025-03-01", "--to", "2025-02-01")],
)
def test_bad_dates_are_reported_plainly(db, args):
    with pytest.raises(CommandError):
        run(*args)
