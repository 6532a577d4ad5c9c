"""``manage.py backup PATH``: a consistent backup of PANDA's database, taken while PANDA serves
(see panda_project/backups.py and docs/operations.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _

from panda_project.backups import BackupError, backup
from panda_project.commands import in_operator_language


class Command(BaseCommand):
    help = (
        "Back up PANDA's database to PATH while PANDA keeps serving: SQLite's online backup, "
        "pg_dump's custom format, or mariadb-dump. Restore it with `manage.py restore PATH`."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    @in_operator_language
    def handle(self, *args, path, database, **options):
        try:
            backup(path, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("Backed up the database to %(path)s (%(size)s bytes).")
            % {"path": path, "size": f"{path.stat().st_size:,}"}
        )
