"""The appointment API: thin views over ``appointments.services``."""

from functools import cached_property

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from panda_project.api.schema import WRITE_ERRORS, errors
from patients.models import Patient
from patients.views import patient_by_nhs_number

from .filters import AppointmentFilter
from .models import Appointment
from .serializers import (
    AppointmentSerializer,
    AppointmentUpdateSerializer,
    AppointmentWriteSerializer,
)
from .services import (
    appointment_attend,
    appointment_cancel,
    appointment_create,
    appointment_delete,
    appointment_update,
)

UUID_PATTERN = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
ORDERING = ["starts_at", "ends_at", "created_at", "updated_at"]

APPOINTMENT_EXAMPLES = [
    OpenApiExample(
        "A valid booking",
        value={
            "patient": "943 476 5919",
            "starts_at": "2030-06-04T16:30:00+01:00",
            "duration": "1h30m",
            "clinician": 1,
            "department": 1,
            "postcode": "sw1a1aa",
        },
        request_only=True,
    ),
    OpenApiExample(
        "Invalid: a naive start time and a zero duration (400)",
        value={
            "patient": "9434765919",
            "starts_at": "2030-06-04T16:30:00",
            "duration": "0m",
            "clinician": 1,
            "department": 1,
            "postcode": "SW1A 1AA",
        },
        request_only=True,
    ),
]
STATE_CHANGE = (
    "Refused with 409 when the appointment is cancelled (code `appointment_cancelled`), attended "
    "(`appointment_attended`) or has ended without being attended (`appointment_missed`). Of two "
    "simultaneous requests on one appointment exactly one wins."
)


def _queryset():
    return Appointment.objects.select_related("patient", "clinician", "department", "site")


@extend_schema_view(
    list=extend_schema(
        summary="List appointments",
        description="Filter by `status` (active, attended, cancelled or missed), patient, "
        "clinician, department and start time.",
        responses={200: AppointmentSerializer(many=True), **errors(400)},
    ),
    create=extend_schema(
        summary="Book an appointment",
        description="It must end in the future. The client may choose its `id`.",
        request=AppointmentWriteSerializer,
        examples=APPOINTMENT_EXAMPLES,
        responses={201: AppointmentSerializer, **errors(*WRITE_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="Get an appointment", responses={200: AppointmentSerializer, **errors(404)}
    ),
    update=extend_schema(
        summary="Reschedule or change an appointment",
        description="Only an active appointment that has not ended can change. " + STATE_CHANGE,
        request=AppointmentUpdateSerializer,
        examples=APPOINTMENT_EXAMPLES,
        responses={200: AppointmentSerializer, **errors(404, *WRITE_ERRORS)},
    ),
    partial_update=extend_schema(
        summary="Change part of an appointment",
        description="Only an active appointment that has not ended can change. " + STATE_CHANGE,
        request=AppointmentUpdateSerializer,
        examples=APPOINTMENT_EXAMPLES,
        responses={200: AppointmentSerializer, **errors(404, *WRITE_ERRORS)},
    ),
    destroy=extend_schema(summary="Delete an appointment", responses={204: None, **errors(404)}),
)
class AppointmentViewSet(viewsets.ModelViewSet):
    """Appointments, identified by UUID."""

    permission_model = Appointment
    serializer_class = AppointmentSerializer
    filterset_class = AppointmentFilter
    ordering_fields = ORDERING
    ordering = ["starts_at", "id"]
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        return _queryset()

    def get_object(self) -> Appointment:
        appointment = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if appointment is None:
            raise NotFound(_("No appointment has this id."))
        return appointment

    def _respond(self, appointment: Appointment, status_code: int = status.HTTP_200_OK) -> Response:
        appointment = self.get_queryset().get(pk=appointment.pk)
        data = AppointmentSerializer(appointment, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = AppointmentWriteSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        appointment = appointment_create(**serializer.validated_data)
        response = self._respond(appointment, status.HTTP_201_CREATED)
        response["Location"] = response.data["url"]
        return response

    def update(self, request, *args, **kwargs):
        appointment = self.get_object()
        serializer = AppointmentUpdateSerializer(
            appointment,
            data=request.data,
            partial=kwargs.get("partial", False),
            context=self.get_serializer_context(),
        )
        serializer.is_valid(raise_exception=True)
        return self._respond(
            appointment_update(appointment=appointment, **serializer.validated_data)
        )

    def perform_destroy(self, instance):
        appointment_delete(appointment=instance)

    @extend_schema(
        summary="Cancel an appointment",
        description="Cancels an active appointment that has not yet ended. A cancellation is "
        "final: nothing can reinstate it. " + STATE_CHANGE,
        request=None,
        responses={200: AppointmentSerializer, **errors(404, 409)},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._respond(appointment_cancel(appointment=self.get_object()))

    @extend_schema(
        summary="Mark an appointment attended",
        description="Allowed while the appointment is active and due: from the start of its day "
        "in Europe/London (or `PANDA_CHECK_IN_OPENS` minutes before its start) up to its end. "
        "Earlier is refused with 409 (`appointment_not_due`); after its end it is missed. "
        + STATE_CHANGE,
        request=None,
        responses={200: AppointmentSerializer, **errors(404, 409)},
    )
    @action(detail=True, methods=["post"])
    def attend(self, request, pk=None):
        return self._respond(appointment_attend(appointment=self.get_object()))


@extend_schema_view(
    list=extend_schema(
        summary="List a patient's appointments",
        parameters=[OpenApiParameter("nhs_number", str, OpenApiParameter.PATH)],
        responses={200: AppointmentSerializer(many=True), **errors(400, 404)},
    )
)
class PatientAppointmentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """One patient's appointments, with the same filters as the appointment list."""

    permission_model = Appointment
    serializer_class = AppointmentSerializer
    filterset_class = AppointmentFilter
    ordering_fields = ORDERING
    ordering = ["starts_at", "id"]

    @cached_property
    def patient(self) -> Patient:
        return patient_by_nhs_number(self.kwargs["nhs_number"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Appointment.objects.none()
        return _queryset().filter(patient=self.patient)
