"""Import of the client's exchange format, through the same services as the API.

Patients: ``nhs_number``, ``name``, ``date_of_birth``, ``postcode``.
Appointments: ``id``, ``patient`` (NHS number), ``status`` (active | attended | cancelled | missed),
``time`` (ISO 8601 with an offset), ``duration`` ("1h30m"), ``clinician`` and ``department``
(names; created when new), ``postcode``.

Overlapping appointments are history as it was: they are imported, and each row that overlaps an
appointment of its clinician or patient stored before it (or an earlier row) is reported.

Each row is imported on its own in a transaction: a bad row is reported with its reason and rolls
back whole (no clinician is left behind by an appointment that was refused), and the rest go on.
Importing the same file twice changes nothing: a row equal to what is stored is ``unchanged``.
"""

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import ijson
from django.core.exceptions import ValidationError
from django.db import IntegrityError, reset_queries, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from addresses.postcodes import normalise_postcode
from analytics.rollup import marks_deferred
from clinicians.services import clinician_get_or_create, department_get_or_create
from panda_project.bulk import among, bulk_load
from panda_project.exceptions import Conflict
from panda_project.timestamps import parse_aware_datetime
from patients.identifiers import identifier_key, identifier_or_none
from patients.models import Patient
from patients.search import name_search_deferred
from patients.services import (
    patient_create,
    patient_create_many,
    patient_normalise,
    patient_update,
)

from .durations import parse_duration_text
from .import_overlaps import CreatedRows
from .models import Appointment, State, Status
from .services import (
    appointment_record,
    appointment_record_many,
    appointment_record_prepare,
    double_booking,
)

# Rows validated and inserted together: large enough to amortise the queries, small enough that
# memory stays flat whatever the file's size.
BATCH_SIZE = 5000

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

# What an appointment row reads of its patient: the key, and what planning its reminders reads
# (``reminders.services.reminder_channel_for``). Each batch loads thousands of patients, and a
# whole one cost half as much again (SQLite converting its dates and times); any other field
# would be a query per row (a test counts them).
PATIENT_FIELDS_READ = ("id", "nhs_number", "phone", "email", "reminder_channel")

# The two kinds of file, as the import's report names them.
KINDS = {"patients": gettext_lazy("patients"), "appointments": gettext_lazy("appointments")}


class RowError(Exception):
    """A row that cannot be imported, with the reason for people."""


@dataclass
class ImportReport:
    kind: str
    counts: Counter = field(default_factory=Counter)
    rejected: list[tuple[int, str, str]] = field(default_factory=list)
    # Rows imported although they overlap another appointment: (row number, key, which).
    overlapping: list[tuple[int, str, str]] = field(default_factory=list)
    # Where given, each overlap is passed to it instead, as it is found: a large import of old
    # history can hold hundreds of thousands, which would otherwise all be held in memory.
    on_overlap: Callable[[int, str, str], None] | None = None

    def reject(self, row_number: int, key: str, reason: str) -> None:
        self.counts["rejected"] += 1
        self.rejected.append((row_number, key, reason))

    def note_overlaps(self, created: CreatedRows) -> None:
        """Report the rows created that overlap an appointment stored before them: one of
        another file or an earlier row of this one."""
        record = self.on_overlap or (lambda *overlap: self.overlapping.append(overlap))
        for number, key, party, other in created.overlaps():
            record(number, key, double_booking(party, other).message)

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


def _import_rows(
    rows: Iterable, report: ImportReport, import_row, key_of, start: int = 1
) -> ImportReport:
    for number, row in enumerate(rows, start=start):
        try:
            with transaction.atomic():
                report.counts[import_row(row)] += 1
        except (RowError, ValidationError, Conflict) as error:
            report.reject(number, key_of(row), _reason(error))
    return report


def _patient_values(row) -> dict:
    """A patient row's values for the services, or RowError."""
    row = _require(row, PATIENT_KEYS)
    date_of_birth = parse_date(row["date_of_birth"]) if _is_date(row["date_of_birth"]) else None
    if date_of_birth is None:
        raise RowError(_("date_of_birth: Enter a valid date, YYYY-MM-DD."))
    return {key: row[key] for key in PATIENT_KEYS} | {"date_of_birth": date_of_birth}


def _patient_row(row) -> str:
    values = _patient_values(row)
    existing = _patient(values["nhs_number"])
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


def import_patients(rows: Iterable, batch_size: int = BATCH_SIZE) -> ImportReport:
    first_load = not Patient.objects.exists()
    with bulk_load(Patient, defer_indexes=first_load), name_search_deferred(first_load):
        return _import_patients(rows, batch_size)


def _import_patients(rows: Iterable, batch_size: int) -> ImportReport:
    """Import patient rows in batches: new patients are validated by ``patient_normalise`` and
    inserted together; a row for a stored (or repeated) NHS number goes row by row, to be
    compared and updated through ``patient_update``."""
    report = ImportReport("patients")
    batch: list[tuple[int, object]] = []
    for number, row in enumerate(rows, start=1):
        batch.append((number, row))
        if len(batch) >= batch_size:
            _patient_batch(batch, report)
            batch = []
    _patient_batch(batch, report)
    return report


def _forget_queries() -> None:
    """With DEBUG on (manage.py's local settings) Django keeps the last 9,000 statements, each
    bulk insert's full text included: hundreds of MB on a large import."""
    reset_queries()


def _patient_batch(rows: list, report: ImportReport) -> None:
    _forget_queries()
    compact = {number: _compact_nhs_number(row) for number, row in rows}
    numbers = {n for n in compact.values() if n}
    known = set(
        Patient.objects.filter(
            nhs_number__in=among(Patient._meta.get_field("nhs_number"), numbers)
        ).values_list("nhs_number", flat=True)
    )
    new: dict[str, tuple[int, str, Patient]] = {}
    for number, row in rows:
        key = _key("nhs_number")(row)
        if compact[number] in known or compact[number] in new:
            _insert_patients(new, report)
            new = {}
            known.add(compact[number])
            _import_rows([row], report, _patient_row, _key("nhs_number"), start=number)
            continue
        try:
            patient = _new_patient(row)
        except (RowError, ValidationError, Conflict) as error:
            report.reject(number, key, _reason(error))
            continue
        new[patient.nhs_number] = (number, key, patient)
    _insert_patients(new, report)


def _compact_nhs_number(row) -> str | None:
    value = row.get("nhs_number") if isinstance(row, dict) else None
    return identifier_or_none(value) if isinstance(value, str) else None


def _new_patient(row) -> Patient:
    patient = Patient(**_patient_values(row))
    patient_normalise(patient)
    return patient


def _insert_patients(new: dict, report: ImportReport) -> None:
    if not new:
        return
    try:
        patient_create_many([patient for _, _, patient in new.values()])
    except IntegrityError:
        # Another writer registered one of these meanwhile: find out which, row by row.
        for number, key, patient in new.values():
            try:
                patient_create_many([patient])
            except IntegrityError:
                report.reject(number, key, _("A patient with this NHS number already exists."))
            else:
                report.counts["created"] += 1
        return
    report.counts["created"] += len(new)


def _key(name: str):
    return lambda row: str(row.get(name, "?"))[:64] if isinstance(row, dict) else "?"


def _checked_appointment_row(row, find_patient) -> tuple[dict, uuid.UUID, Patient]:
    """The checks every appointment row passes first: its fields, id, status and patient
    (``find_patient`` maps the row's NHS number to a stored patient or None)."""
    row = _require(row, APPOINTMENT_KEYS)
    appointment_id = _uuid_or_none(row["id"])
    if appointment_id is None:
        raise RowError(_("id: Must be a valid UUID."))
    if row["status"] not in IMPORTED_STATE:
        raise RowError(_("status: Must be active, attended, cancelled or missed."))
    patient = find_patient(row["patient"])
    if patient is None:
        raise RowError(_("patient: No patient has this NHS number."))
    return row, appointment_id, patient


def _appointment_values(row, appointment_id, patient, clinician, department, now) -> dict:
    """A checked row's values for ``appointment_record`` and its batch twin."""
    return {
        "id": appointment_id,
        "patient": patient,
        "status": row["status"],
        "starts_at": _field("time", parse_aware_datetime, row["time"]),
        "duration": _field("duration", parse_duration_text, row["duration"]),
        "clinician": clinician,
        "department": department,
        "postcode": row["postcode"],
        "now": now,
    }


def _appointment_row(row, now: dt.datetime) -> str:
    row, appointment_id, patient = _checked_appointment_row(row, _patient)
    clinician = clinician_get_or_create(name=row["clinician"])
    department = department_get_or_create(name=row["department"])
    values = _appointment_values(row, appointment_id, patient, clinician, department, now)
    existing = Appointment.objects.filter(pk=appointment_id).first()
    if existing is None:
        appointment_record(**values)
        return "created"
    return _unchanged_or_refused(existing, values)


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


def import_appointments(
    rows: Iterable,
    now: dt.datetime | None = None,
    batch_size: int = BATCH_SIZE,
    on_overlap: Callable[[int, str, str], None] | None = None,
) -> ImportReport:
    first_load = not Appointment.objects.exists()
    report = ImportReport("appointments", on_overlap=on_overlap)
    with CreatedRows() as created:
        with bulk_load(Appointment, defer_indexes=first_load), marks_deferred(first_load):
            _import_appointments(rows, now, batch_size, created, report)
        # After a first load's indexes are built again: the search for overlaps needs them.
        report.note_overlaps(created)
    return report


def _import_appointments(
    rows: Iterable,
    now: dt.datetime | None,
    batch_size: int,
    created: CreatedRows,
    report: ImportReport,
) -> None:
    """Import appointment rows in batches: each batch looks its patients and ids up in a few
    queries, validates every row through ``appointment_record_prepare`` and inserts the valid
    new ones in one statement. A row that names a clinician or department not seen before goes
    through the row-by-row path, so that a refused row leaves no clinician behind."""
    now = now or timezone.now()
    batch = _AppointmentBatch(report, now, created)
    for number, row in enumerate(rows, start=1):
        batch.add(number, row)
        if len(batch) >= batch_size:
            batch.flush()
    batch.flush()


class _AppointmentBatch:
    """Rows waiting to be validated and inserted together; clinicians and departments by name
    are remembered for the whole import."""

    def __init__(self, report: ImportReport, now: dt.datetime, created: CreatedRows):
        self.report, self.now, self.created = report, now, created
        self.rows: list[tuple[int, object]] = []
        self.clinicians: dict[str, object] = {}
        self.departments: dict[str, object] = {}

    def __len__(self) -> int:
        return len(self.rows)

    def add(self, number: int, row) -> None:
        self.rows.append((number, row))

    def flush(self) -> None:
        rows, self.rows = self.rows, []
        if not rows:
            return
        _forget_queries()
        texts = [row for _, row in rows if isinstance(row, dict)]
        patients = _patients_named(texts)
        ids = [_uuid_or_none(r.get("id")) for r in texts]
        existing = _in_bulk(Appointment.objects.all(), "id", {i for i in ids if i})
        pending: dict[uuid.UUID, tuple[int, str, Appointment]] = {}
        for number, row in rows:
            key = _key("id")(row)
            try:
                values = self._values(row, patients)
                if values is None:  # a new clinician or department: one row at a time
                    self._insert(pending)
                    pending = {}
                    outcome = self._one_row(number, row, key)
                    stored = Appointment.objects.filter(pk=_uuid_or_none(row["id"])).first()
                    if stored is not None:  # so that a later row with its id compares with it
                        existing[stored.pk] = stored
                    if outcome == "created":
                        self.created.add([(number, key, stored)])
                    continue
                stored = existing.get(values["id"]) or pending.get(values["id"], (0, "", None))[2]
                if stored is not None:
                    self.report.counts[_unchanged_or_refused(stored, values)] += 1
                    continue
                appointment = appointment_record_prepare(**values)
            except (RowError, ValidationError, Conflict) as error:
                self.report.reject(number, key, _reason(error))
                continue
            pending[appointment.id] = (number, key, appointment)
        self._insert(pending)

    def _values(self, row, patients: dict) -> dict | None:
        """The row's values for the service, or None if it names someone not yet stored
        (``patients`` maps the NHS numbers as the rows write them to stored patients)."""
        row, appointment_id, patient = _checked_appointment_row(row, patients.get)
        clinician = self.clinicians.get(row["clinician"].strip())
        department = self.departments.get(row["department"].strip())
        if clinician is None or department is None:
            return None
        return _appointment_values(row, appointment_id, patient, clinician, department, self.now)

    def _one_row(self, number: int, row, key: str) -> str | None:
        """Import one row on its own; its outcome, or None if it was rejected."""
        try:
            with transaction.atomic():
                outcome = _appointment_row(row, self.now)
        except (RowError, ValidationError, Conflict) as error:
            self.report.reject(number, key, _reason(error))
            return None
        self.report.counts[outcome] += 1
        name, department = row["clinician"].strip(), row["department"].strip()
        self.clinicians[name] = clinician_get_or_create(name=name)
        self.departments[department] = department_get_or_create(name=department)
        return outcome

    def _insert(self, pending: dict) -> None:
        if not pending:
            return
        try:
            appointment_record_many([appointment for _, _, appointment in pending.values()])
        except IntegrityError:
            # Another writer took one of these ids meanwhile: find out which, row by row.
            for number, key, appointment in pending.values():
                try:
                    appointment_record_many([appointment])
                except IntegrityError:
                    self.report.reject(
                        number, key, _("An appointment with this id already exists.")
                    )
                else:
                    self.report.counts["created"] += 1
                    self.created.add([(number, key, appointment)])
            return
        self.report.counts["created"] += len(pending)
        self.created.add(list(pending.values()))


def _patients_named(rows: list[dict]) -> dict:
    """The stored patients that ``rows`` name, by their NHS number as the rows write it (one
    query). Each number is compacted once, however many of the rows hold it."""
    compact = {
        r["patient"]: identifier_key(r["patient"])
        for r in rows
        if isinstance(r.get("patient"), str)
    }
    by_number = _in_bulk(
        Patient.objects.only(*PATIENT_FIELDS_READ),
        "nhs_number",
        {n for n in compact.values() if n},
    )
    return {text: by_number.get(number) for text, number in compact.items() if number}


def _in_bulk(queryset, field_name: str, values: set) -> dict:
    """The rows of ``queryset`` whose unique ``field_name`` is one of ``values``, by it."""
    field = queryset.model._meta.get_field(field_name)
    stored = queryset.filter(**{f"{field_name}__in": among(field, values)})
    return {getattr(row, field.attname): row for row in stored}


def _uuid_or_none(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _unchanged_or_refused(existing: Appointment, values: dict) -> str:
    differences = _differences(existing, values)
    if differences:
        raise RowError(
            _("An appointment with this id exists with different %(fields)s.")
            % {"fields": ", ".join(differences)}
        )
    return "unchanged"
