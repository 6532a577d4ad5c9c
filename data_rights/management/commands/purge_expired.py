"""``manage.py purge_expired [--dry-run]``: delete, with erasure, every patient whose retention
has ended (docs/data-rights.md). Safe to run daily, twice, or to stop half-way."""

import contextlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from data_rights.services import patients_purge_expired
from panda_project.commands import in_operator_language


def masked(nhs_number: str) -> str:
    """All but the last four characters hidden: enough to check a list, not to identify."""
    return "*" * max(len(nhs_number) - 4, 0) + nhs_number[-4:]


# SQLite's page cache for the purge's connection, in KiB. Its default, 2 MiB, is far smaller than
# the indexes a batch's deletions touch at random (the appointments' UUIDs): it spilled dirty
# pages to the WAL again and again within each batch.
SQLITE_CACHE_KIB = 64 * 1024


@contextlib.contextmanager
def sqlite_page_cache(kib: int):
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


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

        with sqlite_page_cache(SQLITE_CACHE_KIB):
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
