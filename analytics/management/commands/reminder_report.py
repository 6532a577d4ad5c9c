"""``manage.py reminder_report --from 2025-01-01 --to 2025-06-30``: a trial of reminder wordings,
as a table, CSV or JSON."""

import csv
import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from analytics.management.commands.missed_report import _date, _rate
from analytics.serializers import TrialReportSerializer, trial_body
from analytics.trials import TrialReport, VariantFigures, reminder_trial
from backoffice.admin_tools import csv_safe
from panda_project.commands import in_operator_language

COLUMNS = (
    "variant",
    "appointments",
    "reminded",
    "attended",
    "cancelled",
    "missed",
    "missed rate",
    "odds ratio",
    "95% CI",
)
CSV_COLUMNS = (
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
)


def _ratio_cells(row: VariantFigures) -> tuple[str, str]:
    """The odds ratio and its interval, to two places; the reference is "1 (reference)"."""
    if row.reference:
        return ("1", _("reference"))
    ratio = row.odds_ratio
    if ratio is None:
        return ("-", "-")
    mark = "*" if ratio.corrected else ""
    return (f"{ratio.estimate:.2f}{mark}", f"{ratio.ci_low:.2f}-{ratio.ci_high:.2f}")


def report_table(report: TrialReport) -> list[str]:
    """The report as the lines of a plain-text table."""
    rows = [
        (
            row.variant_name,
            *map(str, (row.appointments, row.reminded, row.attended, row.cancelled, row.missed)),
            _rate(row.missed_rate),
            *_ratio_cells(row),
        )
        for row in report.rows
    ]
    widths = [max(len(row[i]) for row in [COLUMNS, *rows]) for i in range(len(COLUMNS))]

    def line(cells) -> str:
        text = [cells[0].ljust(widths[0])]
        text += [cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join(text).rstrip()

    return [line(COLUMNS), line(["-" * width for width in widths]), *map(line, rows)]


def _csv_row(row: VariantFigures) -> list:
    ratio = row.odds_ratio
    return [
        row.variant_id,
        csv_safe(row.variant_name),
        row.appointments,
        row.reminded,
        row.attended,
        row.cancelled,
        row.missed,
        "" if row.missed_rate is None else row.missed_rate,
        *(
            ("", "", "", "")
            if ratio is None
            else (
                round(ratio.estimate, 4),
                round(ratio.ci_low, 4),
                round(ratio.ci_high, 4),
                ratio.corrected,
            )
        ),
    ]


class Command(BaseCommand):
    help = (
        "Print, per reminder variant, the appointments allocated to it, how many were reminded, "
        "attended, cancelled and missed, the missed rate and the odds ratio of missing against "
        "the first variant with its 95% confidence interval: the figures of "
        "GET /api/v1/stats/reminders/."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first_day", type=_date, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="last_day", type=_date, help="Last day, YYYY-MM-DD.")
        parser.add_argument("--format", choices=("text", "csv", "json"), default="text")

    @in_operator_language
    def handle(self, *args, **options):
        try:
            report = reminder_trial(first_day=options["first_day"], last_day=options["last_day"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        getattr(self, f"_write_{options['format']}")(report)

    def _write_text(self, report: TrialReport) -> None:
        first_day = report.first_day or _("the first appointment")
        self.stdout.write(
            _("Reminder variants, %(first_day)s to %(last_day)s (Europe/London)")
            % {"first_day": first_day, "last_day": report.last_day}
        )
        if not report.rows:
            self.stdout.write(_("No reminder variants."))
            return
        for line in report_table(report):
            self.stdout.write(line)
        self.stdout.write(
            _(
                "Odds ratio of missing against %(reference)s, with its 95%% confidence "
                "interval (Woolf)."
            )
            % {"reference": report.reference.variant_name}
        )
        if report.corrected:
            self.stdout.write(
                _("* A count was 0: 0.5 was added to each (the Haldane-Anscombe correction).")
            )

    def _write_csv(self, report: TrialReport) -> None:
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(_csv_row(row) for row in report.rows)

    def _write_json(self, report: TrialReport) -> None:
        body = TrialReportSerializer(trial_body(report)).data
        self.stdout.write(json.dumps(body, indent=2, ensure_ascii=False))
