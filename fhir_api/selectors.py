"""The querysets the FHIR views read through: every related row a resource shows is joined in
the same query, as in the REST API, so that a page costs a fixed number of queries."""

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
