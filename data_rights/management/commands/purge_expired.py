"""``manage.py purge_expired [--dry-run]``: delete, with erasure, every patient whose retention
has ended (docs/data-rights.md). Safe to run daily, twice, or to stop half-way."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from data_rights.services import patients_purge_expired
from panda_project.commands import in_operator_language


def masked(nhs_number: str) -> str:
    """All but the last four characters hidden: enough to check a list, not to identify."""
    return "*" * max(len(nhs_number) - 4, 0) + nhs_number[-4:]


class Command(BaseCommand):
    help = (
        "Delete, with erasure, every patient whose retention period has ended "
        "(PANDA_RETENTION_YEARS after their last appointment; children's records longer)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Delete nothing: say how many would go, listing their NHS numbers masked.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help="Patients examined per transaction (default 1000).",
        )

    @in_operator_language
    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError(_("--batch-size must be at least 1."))
        dry_run = options["dry_run"]

        def found(nhs_numbers):
            if dry_run:
                for nhs_number in nhs_numbers:
                    self.stdout.write(masked(nhs_number))

        count = patients_purge_expired(
            today=timezone.localdate(),
            years=settings.PANDA_RETENTION_YEARS,
            batch_size=options["batch_size"],
            dry_run=dry_run,
            found=found,
        )
        if dry_run:
            message = _("Patients whose retention has ended: %(count)d. Nothing deleted (dry run).")
        else:
            message = _("Patients deleted, their personal data erased: %(count)d.")
        self.stdout.write(message % {"count": count})
