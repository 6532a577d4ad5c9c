"""``manage.py missed_report --group-by department --period month``: the figures as a table."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from analytics.selectors import GROUP_BY, PERIODS, MissedReport, missed_appointments
from panda_project.commands import in_operator_language

COLUMNS = ("booked", "attended", "cancelled", "missed", "missed rate", "minutes lost")


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("%(value)s is not a date: give YYYY-MM-DD.") % {"value": repr(value)}
        ) from None


def _rate(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.1%}"


def report_table(report: MissedReport, no_group: str = "(no site)") -> list[str]:
    """The report as the lines of a plain-text table."""
    rows = [
        (
            figures.group_name if figures.group_id is not None else no_group,
            figures.period.start.isoformat(),
            *map(str, (figures.booked, figures.attended, figures.cancelled, figures.missed)),
            _rate(figures.missed_rate),
            str(figures.minutes_lost),
        )
        for figures in report.rows
    ]
    header = (report.group_by, report.period, *COLUMNS)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells) -> str:
        text = [cell.ljust(width) for cell, width in zip(cells[:2], widths, strict=False)]
        text += [cell.rjust(width) for cell, width in zip(cells[2:], widths[2:], strict=False)]
        return "  ".join(text).rstrip()

    return [line(header), line(["-" * width for width in widths]), *map(line, rows)]


class Command(BaseCommand):
    help = (
        "Print booked, attended, cancelled and missed appointments, the missed rate and the "
        "clinician minutes lost, per clinician, department or site and calendar period in "
        "Europe/London: the figures of GET /api/v1/stats/missed-appointments/."
    )

    def add_arguments(self, parser):
        parser.add_argument("--group-by", choices=GROUP_BY, default="department")
        parser.add_argument("--period", choices=PERIODS, default="month")
        parser.add_argument("--from", dest="first_day", type=_date, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="last_day", type=_date, help="Last day, YYYY-MM-DD.")
        parser.add_argument("--clinician", type=int, help="Only this clinician's (id).")
        parser.add_argument("--department", type=int, help="Only this department's (id).")

    @in_operator_language
    def handle(self, *args, **options):
        try:
            report = missed_appointments(
                group_by=options["group_by"],
                period=options["period"],
                first_day=options["first_day"],
                last_day=options["last_day"],
                clinician_id=options["clinician"],
                department_id=options["department"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            _(
                "Missed appointments by %(group_by)s and %(period)s, %(first_day)s to "
                "%(last_day)s (Europe/London)"
            )
            % {
                "group_by": report.group_by,
                "period": report.period,
                "first_day": report.first_day,
                "last_day": report.last_day,
            }
        )
        for line in report_table(report):
            self.stdout.write(line)
        if not report.rows:
            self.stdout.write(_("No appointments in this range."))
