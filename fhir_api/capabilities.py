"""The CapabilityStatement at ``/fhir/R4/metadata``, built from the search definitions that the
views use, so that it lists exactly what is supported and nothing more."""

from django.apps import apps
from django.conf import settings

from panda_project.api.access import api_auth_required

from .bundles import DEFAULT_COUNT, MAX_COUNT
from .mapping import UK_CORE
from .search import APPOINTMENT_PARAMETERS, PATIENT_PARAMETERS

FHIR_VERSION = "4.0.1"
# When this statement last changed: update it with what PANDA supports.
CAPABILITY_DATE = "2026-11-30"
FORMATS = ["application/fhir+json", "json"]

PAGING = [
    {
        "name": "_count",
        "type": "number",
        "documentation": f"Results per page: {DEFAULT_COUNT} by default, at most {MAX_COUNT}; "
        "0 gives the total alone.",
    },
    {"name": "_offset", "type": "number", "documentation": "How many results to skip."},
]


EVERYTHING = {
    "name": "everything",
    "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
    "documentation": "Patient/{nhs}/$everything: the Patient, their Appointments, the "
    "Practitioners and Organizations these refer to, and (where PANDA sends reminders) the "
    "reminders sent to them as Communications, as a searchset Bundle paged by _count and _offset.",
}


def _resource(kind: str, parameters: dict | None, documentation: str, operations=()) -> dict:
    interactions = [{"code": "read"}]
    resource = {"type": kind, "profile": f"{UK_CORE}{kind}", "documentation": documentation}
    if parameters is not None:
        interactions.append({"code": "search-type"})
        resource["searchParam"] = [
            {"name": p.name, "type": p.type, "documentation": p.documentation}
            for p in parameters.values()
        ] + PAGING
    resource["interaction"] = interactions
    if operations:
        resource["operation"] = list(operations)
    return resource


def _communication() -> list[dict]:
    """Where PANDA sends reminders (the reminders app is installed), those sent."""
    if not apps.is_installed("reminders"):
        return []
    documentation = (
        "Reminders sent (provider accepted, delivered or not): Communication/{id}, the "
        "reminder's id; also in Patient/{nhs}/$everything."
    )
    return [_resource("Communication", None, documentation)]


def security() -> dict:
    """``rest.security``: what a client must send, as PANDA_API_AUTH sets it."""
    if not api_auth_required():
        return {
            "cors": bool(settings.CORS_ALLOWED_ORIGINS),
            "description": "No credentials: PANDA runs in its trusted-network mode "
            "(PANDA_API_AUTH=none), for a network where everyone who reaches it may read.",
        }
    return {
        "cors": bool(settings.CORS_ALLOWED_ORIGINS),
        "service": [{"text": "Bearer token"}],
        "description": "Every request but this statement needs Authorization: Bearer <token> "
        "(or Token <token>) with a PANDA API token; without one the answer is 401. The token's "
        "user needs the back office's permission to view the resource, else 403.",
    }


def capability_statement(base_url: str) -> dict:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": CAPABILITY_DATE,
        "publisher": "PANDA",
        "kind": "instance",
        "software": {"name": "PANDA"},
        "implementation": {
            "description": "PANDA: patients and their appointments, read-only.",
            "url": base_url,
        },
        "fhirVersion": FHIR_VERSION,
        "format": FORMATS,
        "rest": [
            {
                "mode": "server",
                "security": security(),
                "documentation": "Read and search only. A search parameter, modifier or prefix "
                "not listed here is refused with 400 and an OperationOutcome, never ignored. "
                "_format may be json, application/json or application/fhir+json.",
                "resource": [
                    _resource(
                        "Patient",
                        PATIENT_PARAMETERS,
                        "By NHS number: Patient/{nhs}.",
                        [EVERYTHING],
                    ),
                    _resource(
                        "Appointment",
                        APPOINTMENT_PARAMETERS,
                        "Status: booked (active), fulfilled (attended), cancelled, noshow "
                        "(missed).",
                    ),
                    _resource("Practitioner", None, "PANDA's clinicians."),
                    _resource(
                        "Organization",
                        None,
                        "Departments (Organization/department-{id}) and organisations "
                        "(Organization/organisation-{id}).",
                    ),
                    *_communication(),
                ],
            }
        ],
    }
