"""Everything PANDA holds about one patient, in PANDA's own JSON (the right of access).

The export has the patient, their addresses and appointments (as the API shows them), the
clinicians and departments those appointments refer to, the audit trail of every recorded
change to those records (when, what, how and by whom), the record of earlier exports, and, where
the reminders app is installed, the reminders of their appointments.
"""

import datetime as dt
import uuid
from collections.abc import Iterable

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from addresses.models import Address
from addresses.serializers import AddressSerializer
from appointments.durations import format_duration
from appointments.models import Appointment
from appointments.serializers import AppointmentSerializer
from clinicians.models import Clinician, Department
from clinicians.serializers import ClinicianSerializer, DepartmentSerializer
from patients.models import Patient
from patients.serializers import PatientSerializer

from .models import Channel

HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


def history_channel(record) -> str:
    """How a recorded change was made, as ``panda_project.history`` marks it: "api" and
    "import" in the change reason; the back office by its user; anything else by a command."""
    reason = record.history_change_reason or ""
    if reason in (Channel.API, Channel.IMPORT):
        return reason
    if record.history_user_id is not None:
        return Channel.BACKOFFICE
    return Channel.COMMAND


def _plain(value):
    """A stored value as JSON shows it: timestamps in the clinic's zone, as the API does."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return format_duration(value)
    return value


def _entries(kind: str, records: Iterable) -> list[tuple]:
    entries = []
    for record in records:
        tracked = [field.attname for field in record.tracked_fields]
        entry = {
            "at": _plain(record.history_date),
            "record": kind,
            "record_id": str(record.id),
            "action": HISTORY_TYPES[record.history_type],
            "how": history_channel(record),
            "by": record.history_user.get_username() if record.history_user else None,
            "values": {name: _plain(getattr(record, name)) for name in tracked},
        }
        entries.append((record.history_date, kind, record.history_id, entry))
    return entries


def patient_audit_trail(patient: Patient) -> list[dict]:
    """Every recorded version of the patient, their addresses and their appointments, oldest
    first."""
    patient_type = ContentType.objects.get_for_model(Patient)
    appointment_ids = patient.appointments.values("pk")
    trails = (
        ("patient", Patient.history.filter(id=patient.pk)),
        ("address", Address.history.filter(content_type=patient_type, object_id=patient.pk)),
        (
            "appointment",
            Appointment.history.filter(Q(patient_id=patient.pk) | Q(id__in=appointment_ids)),
        ),
    )
    entries = []
    for kind, records in trails:
        entries += _entries(kind, records.select_related("history_user"))
    return [entry for *_, entry in sorted(entries, key=lambda item: item[:3])]


def patient_exports(patient: Patient) -> list[dict]:
    return [
        {
            "at": _plain(export.exported_at),
            "how": export.channel,
            "by": export.user.get_username() if export.user else None,
        }
        for export in patient.exports.select_related("user").order_by("exported_at", "id")
    ]


def patient_data(patient: Patient, request) -> dict:
    """The whole export of ``patient``; ``request`` makes the links absolute."""
    context = {"request": request, "patient": patient}
    appointments = list(
        patient.appointments.select_related("patient", "clinician", "department").order_by(
            "starts_at", "id"
        )
    )
    clinicians = Clinician.objects.filter(appointments__patient=patient).distinct()
    departments = Department.objects.filter(appointments__patient=patient).distinct()
    body = {
        "exported_at": _plain(timezone.now()),
        "patient": PatientSerializer(patient, context=context).data,
        "addresses": AddressSerializer(patient.addresses.all(), many=True, context=context).data,
        "appointments": AppointmentSerializer(appointments, many=True, context=context).data,
        "clinicians": ClinicianSerializer(
            clinicians.prefetch_related("memberships").order_by("id"), many=True, context=context
        ).data,
        "departments": DepartmentSerializer(
            departments.order_by("id"), many=True, context=context
        ).data,
        "audit_trail": patient_audit_trail(patient),
        "exports": patient_exports(patient),
    }
    if apps.is_installed("reminders"):
        body["reminders"] = patient_reminders(patient)
    return body


def patient_reminders(patient: Patient) -> list[dict]:
    """The reminders of the patient's appointments, sent or not, as the reminders API shows
    them, each with its appointment's id."""
    serializer = import_string("reminders.serializers.ReminderSerializer")
    reminders = apps.get_model("reminders", "Reminder").objects.filter(appointment__patient=patient)
    reminders = reminders.select_related("variant").order_by("due_at", "id")
    return [
        {"appointment": str(reminder.appointment_id), **serializer(reminder).data}
        for reminder in reminders
    ]
