"""``manage.py erase_patient NHS_NUMBER``: delete a patient, erasing their personal data, as
the API and the back office do (a patient's request for erasure, handled by an operator)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from panda_project.commands import in_operator_language
from patients.identifiers import identifier_or_none
from patients.models import Patient
from patients.services import patient_delete


class Command(BaseCommand):
    help = "Delete the patient with this NHS number and erase their personal data everywhere."

    def add_arguments(self, parser):
        parser.add_argument("nhs_number", help="Spaced or not.")

    @in_operator_language
    def handle(self, *args, **options):
        compact = identifier_or_none(options["nhs_number"])
        patient = Patient.objects.filter(nhs_number=compact).first() if compact else None
        if patient is None:
            raise CommandError(_("No patient has this NHS number."))
        patient_delete(patient=patient)
        self.stdout.write(_("The patient was deleted and their personal data erased."))
