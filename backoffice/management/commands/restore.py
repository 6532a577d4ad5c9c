"""``manage.py restore PATH``: replace PANDA's data with a backup made by ``manage.py backup``
(see panda_project/backups.py and docs/operations.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from panda_project.backups import BackupError, restore
from panda_project.commands import in_operator_language


class Command(BaseCommand):
    help = (
        "Replace the data of PANDA's database with the backup at PATH, made by `manage.py "
        "backup` on the same kind of database. Stop PANDA first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Restore without asking for confirmation.",
        )

    @in_operator_language
    def handle(self, *args, path, database, interactive, **options):
        name = connections[database].settings_dict["NAME"]
        if interactive:
            question = _(
                "This replaces every record in the database %(name)s with the backup's. "
                "Type 'yes' to go on: "
            ) % {"name": name}
            if input(question).strip().lower() != "yes":
                raise CommandError(_("Nothing was restored."))
        try:
            erased = restore(path, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(_("Restored %(name)s from %(path)s.") % {"name": name, "path": path})
        if erased:
            self.stdout.write(
                _("Patients erased since the backup, erased again: %(count)d.") % {"count": erased}
            )
