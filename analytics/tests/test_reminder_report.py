"""manage.py reminder_report prints the API's trial figures as a table, CSV or JSON."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from reminders.services import reminder_variant_update

from .conftest import NOW

OCTOBER = ("--from", "2025-10-01", "--to", "2025-10-31")


@pytest.fixture
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def run(*args) -> str:
    out = io.StringIO()
    call_command("reminder_report", *args, stdout=out)
    return out.getvalue()


def test_prints_a_table_of_the_variants(trial, frozen_now):
    lines = run(*OCTOBER).splitlines()

    assert lines[0] == "Reminder variants, 2025-10-01 to 2025-10-31 (Europe/London)"
    assert lines[1].split() == [
        "variant",
        "appointments",
        "reminded",
        "attended",
        "cancelled",
        "missed",
        "missed",
        "rate",
        "odds",
        "ratio",
        "95%",
        "CI",
    ]
    assert [line.split() for line in lines[3:7]] == [
        ["Standard", "10", "7", "6", "1", "3", "33.3%", "1", "reference"],
        ["Cost", "10", "9", "8", "1", "1", "11.1%", "0.25", "0.02-3.04"],
        ["Plain", "2", "2", "2", "0", "0", "0.0%", "0.37*", "0.01-10.10"],
        ["Unused", "0", "0", "0", "0", "0", "-", "-", "-"],
    ]
    assert lines[7:] == [
        "Odds ratio of missing against Standard, with its 95% confidence interval (Woolf).",
        "* A count was 0: 0.5 was added to each (the Haldane-Anscombe correction).",
    ]


def test_csv_has_a_row_per_variant(trial, frozen_now):
    rows = list(csv.reader(io.StringIO(run(*OCTOBER, "--format", "csv"))))

    standard, cost, plain, unused = trial.values()
    assert rows == [
        [
            "variant_id",
            "variant",
            "appointments",
            "reminded",
            "attended",
            "cancelled",
            "missed",
            "missed_rate",
            "odds_ratio",
            "ci_low",
            "ci_high",
            "corrected",
        ],
        [str(standard.pk), "Standard", "10", "7", "6", "1", "3", "0.3333", "", "", "", ""],
        [
            str(cost.pk),
            "Cost",
            "10",
            "9",
            "8",
            "1",
            "1",
            "0.1111",
            "0.25",
            "0.0206",
            "3.041",
            "False",
        ],
        [
            str(plain.pk),
            "Plain",
            "2",
            "2",
            "2",
            "0",
            "0",
            "0.0",
            "0.3714",
            "0.0137",
            "10.098",
            "True",
        ],
        [str(unused.pk), "Unused", "0", "0", "0", "0", "0", "", "", "", "", ""],
    ]


def test_csv_names_cannot_run_as_spreadsheet_formulas(trial, frozen_now):
    reminder_variant_update(variant=trial["cost"], name="=HYPERLINK(1)")

    rows = list(csv.reader(io.StringIO(run(*OCTOBER, "--format", "csv"))))

    assert rows[2][1] == "'=HYPERLINK(1)"


def test_json_is_the_apis_body(trial, frozen_now, api):
    printed = json.loads(run(*OCTOBER, "--format", "json"))

    assert (
        printed
        == api.get("/api/v1/stats/reminders/", {"from": "2025-10-01", "to": "2025-10-31"}).json()
    )


def test_without_variants_in_the_range_the_table_is_still_complete(trial, frozen_now):
    lines = run("--from", "2025-12-01", "--to", "2025-12-31").splitlines()

    assert [line.split()[0] for line in lines[3:7]] == ["Standard", "Cost", "Plain", "Unused"]
    assert lines[4].split()[-2:] == ["-", "-"]


@pytest.mark.parametrize(
    "args",
    [("--from", "2025-13-01"), ("--from", "2025-03-01", "--to", "2025-02-01")],
)
def test_bad_dates_are_reported_plainly(db, args):
    with pytest.raises(CommandError):
        run(*args)
