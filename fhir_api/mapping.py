"""PANDA's records as FHIR R4 resources (profiled by UK Core). docs/fhir.md has the table.

Every function takes a model instance loaded by ``fhir_api.selectors`` (so with its related rows
already joined) and returns the resource as a dict ready for JSON. FHIR JSON never holds empty
strings, empty lists or nulls, so optional elements are left out when PANDA has no value.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from appointments.models import Appointment, Status
from clinicians.models import Clinician, Department
from organisations.models import Organisation
from patients.models import Patient

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
ODS_CODE_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
ORGANIZATION_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/organization-type"
UK_CORE = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-"

# PANDA's appointment status (with the derived "missed") and FHIR's AppointmentStatus.
STATUS_TO_FHIR = {
    Status.ACTIVE: "booked",
    Status.ATTENDED: "fulfilled",
    Status.CANCELLED: "cancelled",
    Status.MISSED: "noshow",
}
FHIR_TO_STATUS = {fhir: panda for panda, fhir in STATUS_TO_FHIR.items()}
# Every code of FHIR R4's AppointmentStatus value set; PANDA never holds the ones not mapped.
FHIR_APPOINTMENT_STATUSES = (
    "proposed",
    "pending",
    "booked",
    "arrived",
    "fulfilled",
    "cancelled",
    "noshow",
    "entered-in-error",
    "checked-in",
    "waitlist",
)

# Organization ids: departments and organisations share the one FHIR resource type.
DEPARTMENT_PREFIX = "department-"
ORGANISATION_PREFIX = "organisation-"


def patient_identifier_system() -> str:
    """The identifier system of PANDA's patient identifier: the NHS number unless configured."""
    return getattr(settings, "PANDA_FHIR_IDENTIFIER_SYSTEM", NHS_NUMBER_SYSTEM)


def instant(value: dt.datetime) -> str:
    """An instant with its offset, in PANDA's time zone, as the REST API shows it."""
    return timezone.localtime(value).isoformat(timespec="seconds")


def _meta(profile: str, updated_at: dt.datetime) -> dict:
    return {"lastUpdated": instant(updated_at), "profile": [UK_CORE + profile]}


def _compact(resource: dict) -> dict:
    """Leave out the elements that have no value."""
    return {key: value for key, value in resource.items() if value not in (None, "", [], {})}


def patient_reference(patient: Patient) -> dict:
    return {"reference": f"Patient/{patient.nhs_number}", "display": patient.name}


def practitioner_reference(clinician: Clinician) -> dict:
    return {"reference": f"Practitioner/{clinician.pk}", "display": clinician.name}


def department_id(department: Department) -> str:
    return f"{DEPARTMENT_PREFIX}{department.pk}"


def organisation_id(organisation_pk: int) -> str:
    return f"{ORGANISATION_PREFIX}{organisation_pk}"


def patient_resource(patient: Patient) -> dict:
    """The patient's name is kept whole as ``text``: PANDA never guesses given and family names."""
    telecom = []
    if patient.phone:
        telecom.append({"system": "phone", "value": patient.phone})
    if patient.email:
        telecom.append({"system": "email", "value": patient.email})
    return _compact(
        {
            "resourceType": "Patient",
            "id": patient.nhs_number,
            "meta": _meta("Patient", patient.updated_at),
            "identifier": [{"system": patient_identifier_system(), "value": patient.nhs_number}],
            "name": [{"use": "official", "text": patient.name}],
            "telecom": telecom,
            "birthDate": patient.date_of_birth.isoformat(),
            "address": [{"use": "home", "postalCode": patient.postcode}],
        }
    )


def appointment_resource(appointment: Appointment, now: dt.datetime) -> dict:
    """``now`` decides "missed", so that one response agrees with itself and with its search."""
    location = {
        "resourceType": "Location",
        "id": "location",
        "address": {"postalCode": appointment.postcode},
    }
    if appointment.site_id:
        location["name"] = appointment.site.name
        location["managingOrganization"] = {
            "reference": f"Organization/{organisation_id(appointment.site.organisation_id)}"
        }
    return {
        "resourceType": "Appointment",
        "id": str(appointment.pk),
        "meta": _meta("Appointment", appointment.updated_at),
        # Where it takes place: PANDA keeps a postcode (and perhaps a site) per appointment.
        "contained": [location],
        "status": STATUS_TO_FHIR[appointment.status_at(now)],
        # PANDA's departments are named, not coded, so the service type is text only.
        "serviceType": [{"text": appointment.department.name}],
        "start": instant(appointment.starts_at),
        "end": instant(appointment.ends_at),
        "minutesDuration": int(appointment.duration.total_seconds() // 60),
        "created": instant(appointment.created_at),
        "participant": [
            {
                "actor": patient_reference(appointment.patient),
                "required": "required",
                "status": "accepted",
            },
            {
                "actor": practitioner_reference(appointment.clinician),
                "required": "required",
                "status": "accepted",
            },
            {"actor": {"reference": "#location"}, "required": "required", "status": "accepted"},
        ],
    }


def practitioner_resource(clinician: Clinician) -> dict:
    identifiers = []
    if clinician.registration_number:
        identifiers.append(
            {
                "use": "official",
                "type": {"text": "Professional registration number"},
                "value": clinician.registration_number,
            }
        )
    return _compact(
        {
            "resourceType": "Practitioner",
            "id": str(clinician.pk),
            "meta": _meta("Practitioner", clinician.updated_at),
            "identifier": identifiers,
            "active": True,
            "name": [{"text": clinician.name}],
        }
    )


def department_resource(department: Department) -> dict:
    """A department is an Organization of type "dept", part of its organisation where known."""
    resource = {
        "resourceType": "Organization",
        "id": department_id(department),
        "meta": _meta("Organization", department.updated_at),
        "active": True,
        "type": [
            {
                "coding": [
                    {
                        "system": ORGANIZATION_TYPE_SYSTEM,
                        "code": "dept",
                        "display": "Hospital Department",
                    }
                ]
            }
        ],
        "name": department.name,
    }
    if department.organisation_id:
        resource["partOf"] = {
            "reference": f"Organization/{organisation_id(department.organisation_id)}",
            "display": department.organisation.name,
        }
    return resource


def _address(address) -> dict:
    return _compact(
        {
            "line": [line for line in (address.line1, address.line2, address.line3) if line],
            "city": address.town,
            "district": address.county,
            "postalCode": address.postcode,
            "country": address.country,
        }
    )


def organisation_resource(organisation: Organisation) -> dict:
    """An organisation, such as a trust, identified by its ODS code where PANDA has it."""
    identifiers = []
    if organisation.ods_code:
        identifiers.append({"system": ODS_CODE_SYSTEM, "value": organisation.ods_code})
    return _compact(
        {
            "resourceType": "Organization",
            "id": organisation_id(organisation.pk),
            "meta": _meta("Organization", organisation.updated_at),
            "identifier": identifiers,
            "active": True,
            "name": organisation.name,
            "address": [_address(address) for address in organisation.addresses.all()],
        }
    )


# PANDA's reminder channels as FHIR's ParticipationMode, the medium of a Communication.
PARTICIPATION_MODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode"
REMINDER_MEDIUM = {
    "sms": {"code": "SMSWRIT", "display": "SMS message"},
    "email": {"code": "EMAILWRIT", "display": "email"},
}
COMMUNICATION_CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/communication-category"
# A reminder the provider accepted (sent, delivered) was done; one it then failed to deliver
# was not.
REMINDER_STATUS = {"sent": "completed", "delivered": "completed", "failed": "not-done"}


def communication_resource(reminder) -> dict:
    """A reminder that was sent (``reminders.Reminder``, with its appointment and patient
    joined), as the Communication it was: to the patient, about the appointment."""
    patient = reminder.appointment.patient
    medium = REMINDER_MEDIUM[reminder.channel]
    resource = {
        "resourceType": "Communication",
        "id": str(reminder.pk),
        "meta": _meta("Communication", reminder.updated_at),
        "status": REMINDER_STATUS[reminder.state],
        "category": [{"coding": [{"system": COMMUNICATION_CATEGORY_SYSTEM, "code": "reminder"}]}],
        "medium": [{"coding": [{"system": PARTICIPATION_MODE_SYSTEM, **medium}]}],
        "subject": patient_reference(patient),
        "about": [{"reference": f"Appointment/{reminder.appointment_id}"}],
        "sent": instant(reminder.sent_at),
        "recipient": [patient_reference(patient)],
    }
    if reminder.state == "failed" and reminder.failure_reason:
        resource["statusReason"] = {"text": reminder.failure_reason}
    return resource
