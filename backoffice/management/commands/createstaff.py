"""``manage.py createstaff USERNAME --role receptionist|manager``: a back-office login."""

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from backoffice.roles import CLINIC_MANAGER, RECEPTIONIST
from backoffice.staff import staff_create
from panda_project.commands import in_operator_language

ROLE_NAMES = {"receptionist": RECEPTIONIST, "manager": CLINIC_MANAGER}
PASSWORD_VARIABLE = "PANDA_STAFF_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create a staff user who can log in to the back office (/admin/) as a receptionist or a "
        f"clinic manager. The password is asked for, or read from ${PASSWORD_VARIABLE} with "
        "--no-input."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=sorted(ROLE_NAMES), required=True)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help=f"Take the password from ${PASSWORD_VARIABLE} instead of asking for it.",
        )

    @in_operator_language
    def handle(self, *args, username, role, email, interactive, **options):
        password = self._password(interactive)
        try:
            user = staff_create(
                username=username, password=password, role=ROLE_NAMES[role], email=email
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(
            _("Created %(username)s (%(role)s).")
            % {"username": user.username, "role": ROLE_NAMES[role]}
        )

    def _password(self, interactive: bool) -> str:
        if not interactive:
            password = os.environ.get(PASSWORD_VARIABLE, "")
            if not password:
                raise CommandError(
                    _("--no-input needs the password in $%(variable)s.")
                    % {"variable": PASSWORD_VARIABLE}
                )
            return password
        password = getpass.getpass(_("Password: "))
        if password != getpass.getpass(_("Password (again): ")):
            raise CommandError(_("The two passwords differ."))
        return password
