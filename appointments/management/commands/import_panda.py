"""``manage.py import_panda --patients FILE --appointments FILE``"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from appointments.importer import KINDS, import_appointments, import_patients, read_rows
from panda_project.commands import in_operator_language
from panda_project.history import history_channel
from patients.models import Patient


class Command(BaseCommand):
    help = (
        "Import patients and appointments in the client's exchange format (JSON arrays). "
        "Bad rows are reported and skipped; importing the same files again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--patients", help="A JSON file of patients.")
        parser.add_argument("--appointments", help="A JSON file of appointments.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database already holds patients (used by `make run`).",
        )
        parser.add_argument(
            "--strict", action="store_true", help="Exit with status 1 if any row was rejected."
        )

    @in_operator_language
    def handle(self, *args, **options):
        if not options["patients"] and not options["appointments"]:
            raise CommandError(_("Give --patients FILE, --appointments FILE, or both."))
        if options["if_empty"] and Patient.objects.exists():
            self.stdout.write(_("The database already holds patients: nothing imported."))
            return
        reports = []
        # Patients first, so that appointments find them.
        for option, run in (("patients", import_patients), ("appointments", import_appointments)):
            path = options[option]
            if not path:
                continue
            rows = self._progress(self._rows(path), option)
            extra = {"on_overlap": self._overlap} if run is import_appointments else {}
            with history_channel("import"):  # the audit trail says these changes were imported
                report = run(rows, **extra)
            reports.append(report)
            for number, key, reason in report.rejected:
                self.stderr.write(
                    _("%(kind)s row %(number)s (%(key)s): rejected: %(reason)s")
                    % {"kind": KINDS[option], "number": number, "key": key, "reason": reason}
                )
            self.stdout.write(report.summary())
        if options["strict"] and any(report.counts["rejected"] for report in reports):
            raise CommandError(_("Some rows were rejected."))

    def _overlap(self, number: int, key: str, which: str) -> None:
        """Write an overlapping row as it is found (all of them could fill memory)."""
        self.stdout.write(
            _("%(kind)s row %(number)s (%(key)s): imported, but it overlaps: %(which)s")
            % {"kind": KINDS["appointments"], "number": number, "key": key, "which": which}
        )

    def _rows(self, path):
        try:
            yield from read_rows(path)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(reason)s.") % {"path": path, "reason": error.strerror}
            ) from None
        except Exception as error:  # ijson's errors for a file that is not a JSON array
            raise CommandError(
                _("%(path)s is not a JSON array of rows: %(reason)s")
                % {"path": path, "reason": error}
            ) from None

    def _progress(self, rows, label):
        return tqdm(
            rows, desc=label, unit=" rows", disable=not sys.stderr.isatty(), file=sys.stderr
        )
