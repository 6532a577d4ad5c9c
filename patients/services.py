"""Every write to a patient goes through here: the API, the admin and the import alike."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from addresses.postcodes import normalise_postcode
from data_rights.services import patient_erase
from panda_project.bulk import create_with_history
from panda_project.exceptions import Conflict
from panda_project.history import current_channel
from panda_project.services import apply_changes, normalise_fields

from .identifiers import normalise_identifier
from .models import Language, Patient, ReminderChannel
from .names import clean_name, name_search_key
from .phones import normalise_phone

NORMALISERS = {
    "nhs_number": normalise_identifier,
    "name": clean_name,
    "postcode": normalise_postcode,
    "phone": normalise_phone,
}
EDITABLE_FIELDS = (
    "nhs_number",
    "name",
    "date_of_birth",
    "postcode",
    "phone",
    "email",
    "reminder_channel",
    "language",
)


def _duplicate() -> Conflict:
    return Conflict(_("A patient with this NHS number already exists."), code="nhs_number_exists")


def patient_normalise(patient: Patient) -> None:
    """Coerce the patient's fields in place (NHS number compact, postcode formatted, name NFC)
    and validate them; raises ValidationError with every problem by field."""
    values = normalise_fields({f: getattr(patient, f) for f in EDITABLE_FIELDS}, NORMALISERS)
    for field, value in values.items():
        setattr(patient, field, value)
    # Not validate_constraints: the two CheckConstraints (the reminder channel and language are
    # among their choices) are what the fields' own choices validate, and Django asks the
    # database for each, two queries per patient (the import's patients took 2 ms each).
    patient.full_clean(validate_unique=False, validate_constraints=False)


def _save(patient: Patient) -> Patient:
    patient_normalise(patient)
    # The unique constraint on the NHS number is the one judge of a duplicate: a check before
    # the write would cost every registration a query and could still lose a race.
    try:
        with transaction.atomic():  # a savepoint, so a refused write leaves the outer one usable
            patient.save()
    except IntegrityError:
        raise _duplicate() from None
    return patient


@transaction.atomic
def patient_create(
    *,
    nhs_number: str,
    name: str,
    date_of_birth: dt.date,
    postcode: str,
    phone: str = "",
    email: str = "",
    reminder_channel: str = ReminderChannel.AUTO,
    language: str = Language.EN,
) -> Patient:
    """Register a patient. A duplicate NHS number raises Conflict; bad values ValidationError."""
    patient = Patient(
        nhs_number=nhs_number,
        name=name,
        date_of_birth=date_of_birth,
        postcode=postcode,
        phone=phone,
        email=email,
        reminder_channel=reminder_channel,
        language=language,
    )
    return _save(patient)


@transaction.atomic
def patient_update(*, patient: Patient, **changes) -> Patient:
    """Change a patient's demographics, validated exactly as on create."""
    apply_changes(patient, changes, EDITABLE_FIELDS, "patient_update")
    return _save(patient)


def patient_delete(*, patient: Patient) -> None:
    """Delete a patient with their appointments and addresses, and erase their personal data
    from every table, the audit trail included (``data_rights.services``); an erasure record
    says how and by whom. The API, the back office and the commands all delete through here."""
    patient_erase(patient=patient)


@transaction.atomic
def patient_create_many(patients: list[Patient]) -> None:
    """Insert new patients that ``patient_normalise`` accepted, with their history rows, in
    bulk (the import). A duplicate NHS number raises IntegrityError and inserts none."""
    for patient in patients:
        patient.name_search = name_search_key(patient.name)  # as Patient.save() derives it
    create_with_history(Patient, patients, key="nhs_number", change_reason=current_channel())
