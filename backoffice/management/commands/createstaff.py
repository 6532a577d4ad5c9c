"""``manage.py createstaff USERNAME --role receptionist|manager``: a back-office login."""

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from backoffice.roles import CLINIC_MANAGER, RECEPTIONIST
from backoffice.staff import staff_create

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

    def handle(self, *args, username, role, email, interactive, **options):
        password = self._password(interactive)
        try:
            user = staff_create(
                username=username, password=password, role=ROLE_NAMES[role], email=email
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"Created {user.username} ({ROLE_NAMES[role]}).")

    def _password(self, interactive: bool) -> str:
        if not interactive:
            password = os.environ.get(PASSWORD_VARIABLE, "")
            if not password:
                raise CommandError(f"--no-input needs the password in ${PASSWORD_VARIABLE}.")
            return password
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return password
