"""Import of the client's exchange format, through the same services as the API.

Patients: ``nhs_number``, ``name``, ``date_of_birth``, ``postcode``.
Appointments: ``id``, ``patient`` (NHS number), ``status`` (active | attended | cancelled | missed),
``time`` (ISO 8601 with an offset), ``duration`` ("1h30m"), ``clinician`` and ``department``
(names; created when new), ``postcode``.

Each row is imported on its own in a transaction: a bad row is reported with its reason and rolls
back whole (no clinician is left behind by an appointment that was refused), and the rest go on.
Importing the same file twice changes nothing: a row equal to what is stored is ``unchanged``.
"""

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import ijson
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from addresses.postcodes import normalise_postcode
from clinicians.services import clinician_get_or_create, department_get_or_create
from panda_project.exceptions import Conflict
from panda_project.timestamps import parse_aware_datetime
from patients.identifiers import identifier_or_none
from patients.models import Patient
from patients.services import patient_create, patient_normalise, patient_update

from .durations import parse_duration_text
from .models import Appointment, State, Status
from .services import appointment_record

PATIENT_KEYS = ("nhs_number", "name", "date_of_birth", "postcode")
APPOINTMENT_KEYS = (
    "id",
    "patient",
    "status",
    "time",
    "duration",
    "clinician",
    "department",
    "postcode",
)
IMPORTED_STATE = {
    Status.ACTIVE: State.ACTIVE,
    Status.MISSED: State.ACTIVE,
    Status.ATTENDED: State.ATTENDED,
    Status.CANCELLED: State.CANCELLED,
}

# The two kinds of file, as the import's report names them.
KINDS = {"patients": gettext_lazy("patients"), "appointments": gettext_lazy("appointments")}


class RowError(Exception):
    """A row that cannot be imported, with the reason for people."""


@dataclass
class ImportReport:
    kind: str
    counts: Counter = field(default_factory=Counter)
    rejected: list[tuple[int, str, str]] = field(default_factory=list)

    def reject(self, row_number: int, key: str, reason: str) -> None:
        self.counts["rejected"] += 1
        self.rejected.append((row_number, key, reason))

    def summary(self) -> str:
        return _(
            "%(kind)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
            "%(rejected)s rejected"
        ) % {
            "kind": KINDS.get(self.kind, self.kind),
            **{part: self.counts[part] for part in ("created", "updated", "unchanged", "rejected")},
        }


def read_rows(path) -> Iterator:
    """Stream the rows of a JSON array file, one at a time, whatever the file's size."""
    with open(path, "rb") as handle:
        yield from ijson.items(handle, "item", use_float=True)


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}"
            for name, messages in error.message_dict.items()
        )
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    return str(error)


def _require(row, keys: tuple[str, ...]) -> dict:
    if not isinstance(row, dict):
        raise RowError(_("A row must be a JSON object."))
    missing = [key for key in keys if key not in row]
    if missing:
        raise RowError(_("Missing fields: %(fields)s.") % {"fields": ", ".join(missing)})
    wrong = [key for key in keys if not isinstance(row[key], str)]
    if wrong:
        raise RowError(_("These fields must be text: %(fields)s.") % {"fields": ", ".join(wrong)})
    return row


def _import_rows(rows: Iterable, report: ImportReport, import_row, key_of) -> ImportReport:
    for number, row in enumerate(rows, start=1):
        try:
            with transaction.atomic():
                report.counts[import_row(row)] += 1
        except (RowError, ValidationError, Conflict) as error:
            report.reject(number, key_of(row), _reason(error))
    return report


def _patient_row(row) -> str:
    row = _require(row, PATIENT_KEYS)
    date_of_birth = parse_date(row["date_of_birth"]) if _is_date(row["date_of_birth"]) else None
    if date_of_birth is None:
        raise RowError(_("date_of_birth: Enter a valid date, YYYY-MM-DD."))
    values = {key: row[key] for key in PATIENT_KEYS} | {"date_of_birth": date_of_birth}
    existing = Patient.objects.filter(
        nhs_number=identifier_or_none(row["nhs_number"]) or ""
    ).first()
    if existing is None:
        patient_create(**values)
        return "created"
    candidate = Patient(
        **{**values, "pk": existing.pk, "phone": existing.phone, "email": existing.email}
    )
    patient_normalise(candidate)
    if all(getattr(candidate, key) == getattr(existing, key) for key in PATIENT_KEYS):
        return "unchanged"
    patient_update(patient=existing, **values)
    return "updated"


def _patient(nhs_number: str) -> Patient | None:
    compact = identifier_or_none(nhs_number)
    return Patient.objects.filter(nhs_number=compact).first() if compact else None


def _is_date(value: str) -> bool:
    try:
        return parse_date(value) is not None
    except ValueError:
        return False


def import_patients(rows: Iterable) -> ImportReport:
    return _import_rows(rows, ImportReport("patients"), _patient_row, _key("nhs_number"))


def _key(name: str):
    return lambda row: str(row.get(name, "?"))[:64] if isinstance(row, dict) else "?"


def _appointment_row(row, now: dt.datetime) -> str:
    row = _require(row, APPOINTMENT_KEYS)
    try:
        appointment_id = uuid.UUID(row["id"])
    except ValueError:
        raise RowError(_("id: Must be a valid UUID.")) from None
    if row["status"] not in IMPORTED_STATE:
        raise RowError(_("status: Must be active, attended, cancelled or missed."))
    patient = _patient(row["patient"])
    if patient is None:
        raise RowError(_("patient: No patient has this NHS number."))
    values = {
        "id": appointment_id,
        "patient": patient,
        "status": row["status"],
        "starts_at": _field("time", parse_aware_datetime, row["time"]),
        "duration": _field("duration", parse_duration_text, row["duration"]),
        "clinician": clinician_get_or_create(name=row["clinician"]),
        "department": department_get_or_create(name=row["department"]),
        "postcode": row["postcode"],
        "now": now,
    }
    existing = Appointment.objects.filter(pk=appointment_id).first()
    if existing is None:
        appointment_record(**values)
        return "created"
    differences = _differences(existing, values)
    if differences:
        raise RowError(
            _("An appointment with this id exists with different %(fields)s.")
            % {"fields": ", ".join(differences)}
        )
    return "unchanged"


def _field(name: str, parse, value: str):
    try:
        return parse(value)
    except ValidationError as error:
        raise ValidationError({name: error.error_list}) from None


def _differences(existing: Appointment, values: dict) -> list[str]:
    expected = {
        "patient": values["patient"].pk == existing.patient_id,
        "status": IMPORTED_STATE[values["status"]] == existing.state,
        "time": values["starts_at"] == existing.starts_at,
        "duration": values["duration"] == existing.duration,
        "clinician": values["clinician"].pk == existing.clinician_id,
        "department": values["department"].pk == existing.department_id,
        "postcode": _normalised(normalise_postcode, values["postcode"]) == existing.postcode,
    }
    return [name for name, same in expected.items() if not same]


def _normalised(normalise, value):
    try:
        return normalise(value)
    except ValidationError:
        return None


def import_appointments(rows: Iterable, now: dt.datetime | None = None) -> ImportReport:
    now = now or timezone.now()
    return _import_rows(
        rows, ImportReport("appointments"), lambda row: _appointment_row(row, now), _key("id")
    )
