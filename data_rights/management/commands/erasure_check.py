"""``manage.py erasure_check NHS_NUMBER``: was this patient's record erased, when and how?"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from backoffice.admin_tools import local_time
from data_rights.services import erasure_check
from panda_project.commands import in_operator_language
from patients.identifiers import identifier_or_none


class Command(BaseCommand):
    help = (
        "Say whether PANDA erased the record of the patient with this NHS number: when, how and "
        "by whom. Exits with status 1 if it has no such erasure record."
    )

    def add_arguments(self, parser):
        parser.add_argument("nhs_number", help="Spaced or not.")

    @in_operator_language
    def handle(self, *args, **options):
        if identifier_or_none(options["nhs_number"]) is None:
            raise CommandError(_("This is not a valid NHS number."))
        records = erasure_check(options["nhs_number"])
        if not records:
            raise CommandError(_("No erasure of this NHS number is recorded."))
        for record in records:
            self.stdout.write(
                _("Erased %(when)s through %(how)s by %(who)s.")
                % {
                    "when": local_time(record.erased_at),
                    "how": record.get_channel_display(),
                    "who": record.user.get_username() if record.user else _("no user"),
                }
            )
