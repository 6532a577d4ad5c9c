"""The patient API: thin views over ``patients.services``."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import NotFound

from panda_project.api.schema import WRITE_ERRORS, errors
from panda_project.queries import PreparedLookup

from .filters import PatientFilter
from .identifiers import identifier_or_none
from .models import Patient
from .serializers import PatientSerializer
from .services import patient_create, patient_delete, patient_update

PATIENT_EXAMPLES = [
    OpenApiExample(
        "A valid patient",
        value={
            "nhs_number": "943 476 5919",
            "name": "Siân O'Brien-McKenzie",
            "date_of_birth": "1985-03-14",
            "postcode": "sw1a1aa",
        },
        request_only=True,
    ),
    OpenApiExample(
        "Invalid: bad check digit and postcode (400)",
        value={
            "nhs_number": "9434765910",
            "name": "Ada Lovelace",
            "date_of_birth": "1985-03-14",
            "postcode": "NOT A POSTCODE",
        },
        request_only=True,
    ),
]


_by_nhs_number = PreparedLookup(Patient, "nhs_number")


def patient_by_nhs_number(nhs_number: str) -> Patient:
    """The patient with this NHS number (any accepted spelling), or 404."""
    compact = identifier_or_none(nhs_number)
    patient = _by_nhs_number.first(compact) if compact else None
    if patient is None:
        raise NotFound(_("No patient has this NHS number."))
    return patient


@extend_schema_view(
    list=extend_schema(
        summary="List patients",
        description="Patients, paginated, filtered by name (case- and accent-insensitive), NHS "
        "number, postcode or date of birth.",
        responses={200: PatientSerializer(many=True), **errors(400)},
    ),
    create=extend_schema(
        summary="Register a patient",
        description="The NHS number is checksum-checked and must be new (409 otherwise); the "
        "postcode is coerced to the standard format; the name is kept exactly as written.",
        examples=PATIENT_EXAMPLES,
        responses={201: PatientSerializer, **errors(*WRITE_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="Get a patient",
        description="By NHS number, spaced or not.",
        responses={200: PatientSerializer, **errors(404)},
    ),
    update=extend_schema(
        summary="Replace a patient's details",
        examples=PATIENT_EXAMPLES,
        responses={200: PatientSerializer, **errors(404, *WRITE_ERRORS)},
    ),
    partial_update=extend_schema(
        summary="Change some of a patient's details",
        examples=PATIENT_EXAMPLES,
        responses={200: PatientSerializer, **errors(404, *WRITE_ERRORS)},
    ),
    destroy=extend_schema(
        summary="Delete a patient",
        description="Deletes the patient together with all their appointments and addresses.",
        responses={204: None, **errors(404)},
    ),
)
class PatientViewSet(viewsets.ModelViewSet):
    """Patients, identified by their NHS number."""

    queryset = Patient.objects.all()
    serializer_class = PatientSerializer
    lookup_field = "nhs_number"
    lookup_value_regex = "[^/]+"
    filterset_class = PatientFilter
    ordering_fields = ["name", "date_of_birth", "nhs_number", "created_at", "updated_at"]
    ordering = ["id"]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action == "list":
            # A page is read as rows of the columns the representation shows: building a model
            # instance for each row cost more than formatting it.
            return queryset.values_list(*PatientSerializer.ROW_FIELDS, named=True)
        return queryset

    def get_object(self) -> Patient:
        patient = patient_by_nhs_number(self.kwargs["nhs_number"])
        self.check_object_permissions(self.request, patient)
        return patient

    def perform_create(self, serializer):
        serializer.instance = patient_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = patient_update(
            patient=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        patient_delete(patient=instance)
