"""The querysets the FHIR views read through: every related row a resource shows is joined in
the same query, as in the REST API, so that a page costs a fixed number of queries."""

from django.apps import apps

from appointments.models import Appointment
from clinicians.models import Clinician, Department
from organisations.models import Organisation
from patients.models import Patient


def patient_queryset():
    return Patient.objects.order_by("id")


def appointment_queryset():
    return Appointment.objects.select_related(
        "patient", "clinician", "department", "site"
    ).order_by("starts_at", "id")


def clinician_queryset():
    return Clinician.objects.all()


def department_queryset():
    return Department.objects.select_related("organisation")


def organisation_queryset():
    return Organisation.objects.prefetch_related("addresses")


def communication_queryset():
    """The reminders that are Communications: those the provider accepted, delivered or not
    (``mapping.REMINDER_STATUS``), with their appointment's patient; where PANDA sends
    reminders (the reminders app is installed)."""
    from .mapping import REMINDER_STATUS

    reminders = apps.get_model("reminders", "Reminder").objects
    return (
        reminders.filter(sent_at__isnull=False, state__in=REMINDER_STATUS)
        .select_related("appointment__patient")
        .order_by("sent_at", "id")
    )
