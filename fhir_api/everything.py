"""``GET /fhir/R4/Patient/{nhs}/$everything``: the Patient and every resource about them, as
one searchset Bundle (FHIR's Patient-everything operation), paged like a search.

The Bundle is the concatenation of parts, each a queryset in a fixed order: the Patient, their
Appointments, the Practitioners and the Organizations (departments, and the organisations that
those departments and the appointments' sites belong to) that the appointments refer to, and,
where the reminders app is installed, the reminders sent to the patient as Communications.
Another kind of resource about the patient is one more part in ``everything_parts``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q, QuerySet

from clinicians.models import Clinician
from patients.models import Patient

from . import selectors
from .mapping import (
    appointment_resource,
    communication_resource,
    department_resource,
    organisation_resource,
    patient_resource,
    practitioner_resource,
)


@dataclass
class Part:
    """Rows of one kind, in a fixed order, and how each becomes a resource."""

    rows: QuerySet
    resource: Callable


def everything_parts(patient: Patient, now) -> list[Part]:
    appointments = selectors.appointment_queryset().filter(patient=patient)
    clinicians = Clinician.objects.filter(appointments__patient=patient)
    departments = selectors.department_queryset().filter(appointments__patient=patient)
    organisations = selectors.organisation_queryset().filter(
        Q(departments__appointments__patient=patient) | Q(sites__appointments__patient=patient)
    )
    parts = [
        Part(Patient.objects.filter(pk=patient.pk), patient_resource),
        Part(appointments, lambda appointment: appointment_resource(appointment, now)),
        Part(clinicians.distinct().order_by("id"), practitioner_resource),
        Part(departments.distinct().order_by("id"), department_resource),
        Part(organisations.distinct().order_by("id"), organisation_resource),
    ]
    if apps.is_installed("reminders"):
        parts.append(_communications(patient))
    return parts


def _communications(patient: Patient) -> Part:
    """The reminders sent to the patient: those the provider accepted, delivered or not."""
    reminders = selectors.communication_queryset().filter(appointment__patient=patient)
    return Part(reminders, communication_resource)


class Everything:
    """The parts as one sequence with ``count()`` and slicing, as ``bundles.searchset`` pages a
    queryset: a page reads only the parts it overlaps."""

    def __init__(self, parts: list[Part]):
        self.parts = parts
        self._counts: list[int] | None = None

    def count(self) -> int:
        if self._counts is None:
            self._counts = [part.rows.count() for part in self.parts]
        return sum(self._counts)

    def __getitem__(self, page: slice) -> list[tuple[Part, object]]:
        self.count()
        rows, start, stop, offset = [], page.start or 0, page.stop, 0
        for part, size in zip(self.parts, self._counts, strict=True):
            low, high = max(start - offset, 0), min(stop - offset, size)
            if low < high:
                rows += [(part, row) for row in part.rows[low:high]]
            offset += size
        return rows


def everything_resource(item) -> dict:
    part, row = item
    return part.resource(row)
