"""The FHIR R4 endpoints: read and search, answered in ``application/fhir+json``.

Thin views: the querysets are in ``selectors``, the search in ``search``, the resources in
``mapping``; every error is an OperationOutcome (``errors``).
"""

import uuid

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from appointments.models import Appointment
from clinicians.models import Clinician, Department
from data_rights.models import Channel
from data_rights.services import patient_export_record
from data_rights.views import CanExportPatients
from panda_project.api.access import APIAccess
from patients.identifiers import identifier_or_none
from patients.models import Patient

from . import selectors
from .bundles import base_url, searchset
from .capabilities import capability_statement
from .errors import exception_handler, not_found
from .everything import Everything, everything_parts, everything_resource
from .mapping import (
    DEPARTMENT_PREFIX,
    ORGANISATION_PREFIX,
    appointment_resource,
    communication_resource,
    department_resource,
    organisation_resource,
    patient_resource,
    practitioner_resource,
)
from .search import (
    APPOINTMENT_PARAMETERS,
    MAX_BIGINT,
    PATIENT_PARAMETERS,
    check_parameters,
    search,
)

FHIR_JSON = "application/fhir+json"


class FHIRJSONRenderer(JSONRenderer):
    media_type = FHIR_JSON


class PlainJSONRenderer(JSONRenderer):
    """For clients that ask for ``application/json``: the same body."""

    media_type = "application/json"


class FHIRContentNegotiation(DefaultContentNegotiation):
    """The ``Accept`` header as usual, and FHIR's ``_format`` parameter, which wins over it."""

    FORMATS = {
        "json": FHIR_JSON,
        FHIR_JSON: FHIR_JSON,
        "application/json+fhir": FHIR_JSON,
        "application/json": "application/json",
    }

    # FHIR's older media type (DSTU2 and STU3 clients send it), read as today's.
    ALIASES = {"application/json+fhir": FHIR_JSON}

    def get_accept_list(self, request):
        accepted = super().get_accept_list(request)
        return [self._alias(media_type) for media_type in accepted]

    def _alias(self, media_type: str) -> str:
        base, semicolon, parameters = media_type.partition(";")
        alias = self.ALIASES.get(base.strip().lower())
        return f"{alias}{semicolon}{parameters}" if alias else media_type

    def select_renderer(self, request, renderers, format_suffix=None):
        requested = request.query_params.get("_format")
        if requested is None:
            return super().select_renderer(request, renderers, format_suffix)
        # An unescaped "+" in a query string arrives as a space.
        media_type = self.FORMATS.get(requested.strip().replace(" ", "+"))
        for renderer in renderers:
            if renderer.media_type == media_type:
                return renderer, media_type
        raise NotAcceptable(_("_format may be json, application/json or application/fhir+json."))


class FHIRView(APIView):
    """A FHIR endpoint: FHIR JSON out, OperationOutcome for every error, strict parameters."""

    renderer_classes = [FHIRJSONRenderer, PlainJSONRenderer]
    content_negotiation_class = FHIRContentNegotiation
    # Not in the OpenAPI schema of /api/v1/: FHIR's own description is /fhir/R4/metadata.
    schema = None
    resource_type = ""
    parameters: dict = {}
    extra_parameters = ("_format",)

    def get_exception_handler(self):
        return exception_handler

    def initial(self, request, *args, **kwargs):
        # Before content negotiation, so that DRF's own ``?format=`` is refused like any other
        # unsupported parameter instead of being acted on.
        check_parameters(
            request.query_params, self.parameters, self.resource_type, self.extra_parameters
        )
        super().initial(request, *args, **kwargs)

    def options(self, request, *args, **kwargs):
        """What ``Allow`` says: OPTIONS is answered, with no body (DRF's description of a view
        is not FHIR)."""
        return Response(status=204)


class SearchView(FHIRView):
    """``GET /fhir/R4/{type}?…``: a searchset Bundle."""

    extra_parameters = ("_count", "_offset", "_format")

    def queryset(self):
        raise NotImplementedError

    def resource(self, row, now) -> dict:
        raise NotImplementedError

    def get(self, request):
        now = timezone.now()
        query = request.query_params
        rows = search(self.queryset(), query, self.parameters, self.resource_type, now)
        return Response(searchset(request, rows, lambda row: self.resource(row, now)))


class CapabilityStatementView(FHIRView):
    """Served to anyone, as FHIR servers do: it says, in ``rest.security``, what the rest needs."""

    resource_type = "CapabilityStatement"
    authentication_classes = []
    permission_classes = []

    def get(self, request):
        return Response(capability_statement(base_url(request)))


class PatientSearchView(SearchView):
    resource_type = "Patient"
    permission_model = Patient
    parameters = PATIENT_PARAMETERS

    def queryset(self):
        return selectors.patient_queryset()

    def resource(self, row, now):
        return patient_resource(row)


class AppointmentSearchView(SearchView):
    resource_type = "Appointment"
    permission_model = Appointment
    parameters = APPOINTMENT_PARAMETERS

    def queryset(self):
        return selectors.appointment_queryset()

    def resource(self, row, now):
        return appointment_resource(row, now)


def _found(row, message: str):
    if row is None:
        raise not_found(message)
    return row


def _found_by_uuid(queryset, id: str, message: str):
    """The row of ``queryset`` whose key is the UUID ``id``; a 404 with ``message`` where there
    is none, or ``id`` is not a UUID."""
    try:
        pk = uuid.UUID(id)
    except ValueError:
        pk = None
    return _found(queryset.filter(pk=pk).first() if pk else None, message)


def _integer_id(value: str, prefix: str = "") -> int | None:
    """The number in ``{prefix}{number}``, or None where ``value`` is not one."""
    digits = value.removeprefix(prefix) if value.startswith(prefix) else ""
    if digits.isascii() and digits.isdigit() and int(digits) <= MAX_BIGINT:
        return int(digits)
    return None


class PatientReadView(FHIRView):
    resource_type = "Patient"
    permission_model = Patient

    def get(self, request, id):
        compact = identifier_or_none(id)
        patients = selectors.patient_queryset()
        patient = patients.filter(nhs_number=compact).first() if compact else None
        return Response(patient_resource(_found(patient, _("No patient has this NHS number."))))


class PatientEverythingView(FHIRView):
    """``Patient/{nhs}/$everything``: the patient matches; everything else is included.

    Nearly all that the export gives (``data_rights``), so under the same rules: with
    PANDA_API_AUTH=token only users allowed to export may ask, and each page given out is
    recorded as an export (how: FHIR)."""

    resource_type = "Patient"
    extra_parameters = ("_count", "_offset", "_format")
    permission_classes = [APIAccess, CanExportPatients]

    def get(self, request, id):
        compact = identifier_or_none(id)
        patient = Patient.objects.filter(nhs_number=compact).first() if compact else None
        patient = _found(patient, _("No patient has this NHS number."))
        user = request.user if request.user and request.user.is_authenticated else None
        with transaction.atomic():
            patient_export_record(patient=patient, channel=Channel.FHIR, user=user)
            rows = Everything(everything_parts(patient, timezone.now()))
            bundle = searchset(request, rows, everything_resource, _patient_matches)
        response = Response(bundle)
        response["Cache-Control"] = "no-store"
        return response


def _patient_matches(resource: dict) -> str:
    return "match" if resource["resourceType"] == "Patient" else "include"


class AppointmentReadView(FHIRView):
    resource_type = "Appointment"
    permission_model = Appointment

    def get(self, request, id):
        message = _("No appointment has this id.")
        appointment = _found_by_uuid(selectors.appointment_queryset(), id, message)
        return Response(appointment_resource(appointment, timezone.now()))


class PractitionerReadView(FHIRView):
    resource_type = "Practitioner"
    permission_model = Clinician

    def get(self, request, id):
        pk = _integer_id(id)
        clinician = selectors.clinician_queryset().filter(pk=pk).first() if pk else None
        return Response(practitioner_resource(_found(clinician, _("No clinician has this id."))))


class OrganizationReadView(FHIRView):
    """Departments are ``department-{id}``; organisations, such as trusts, ``organisation-{id}``."""

    resource_type = "Organization"
    permission_model = Department

    def get(self, request, id):
        message = _("No department or organisation has this id.")
        if pk := _integer_id(id, DEPARTMENT_PREFIX):
            department = selectors.department_queryset().filter(pk=pk).first()
            return Response(department_resource(_found(department, message)))
        if pk := _integer_id(id, ORGANISATION_PREFIX):
            organisation = selectors.organisation_queryset().filter(pk=pk).first()
            return Response(organisation_resource(_found(organisation, message)))
        raise not_found(message)


class CommunicationReadView(FHIRView):
    """A reminder that was sent, as the Communication that ``$everything`` lists (where PANDA
    sends reminders: the reminders app is installed)."""

    resource_type = "Communication"

    @property
    def permission_model(self):
        return apps.get_model("reminders", "Reminder")

    def get(self, request, id):
        message = _("No reminder sent has this id.")
        reminder = _found_by_uuid(selectors.communication_queryset(), id, message)
        return Response(communication_resource(reminder))


class UnknownEndpointView(FHIRView):
    """Anything else under /fhir/R4/: a 404 OperationOutcome, whatever the method."""

    def _not_found(self, request, *args, **kwargs):
        raise not_found(
            _("PANDA's FHIR API has no such endpoint; GET /fhir/R4/metadata lists what it has.")
        )

    def initial(self, request, *args, **kwargs):
        # Whatever its parameters, an unknown endpoint is a 404 rather than a 400.
        super(FHIRView, self).initial(request, *args, **kwargs)

    get = post = put = patch = delete = options = _not_found
