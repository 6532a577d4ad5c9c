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

from panda_project.api.access import api_auth_required
from panda_project.api.schema import WRITE_ERRORS, errors
from patients.models import Patient
from patients.views import patient_by_nhs_number

from .filters import AppointmentFilter
from .models import Appointment
from .serializers import (
    AppointmentSerializer,
    AppointmentUpdateSerializer,
    AppointmentWriteSerializer,
    UndoAttendSerializer,
)
from .services import (
    appointment_attend,
    appointment_cancel,
    appointment_create,
    appointment_delete,
    appointment_undo_attend,
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
DOUBLE_BOOKING = (
    "Refused with 409 when it would overlap another active or attended appointment of the "
    "clinician (code `clinician_double_booked`) or of the patient (`patient_double_booked`); "
    "the body's `conflicting_appointment` gives that appointment's `id`, `starts_at` and "
    "`ends_at`. Touching is not overlapping. In a department that allows overbooking, a "
    "clinician's appointments there may overlap; a clinic manager may book over any clash with "
    '`"allow_overlap": true` (403 for other users when the API needs a token).'
)
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
        description="It must end in the future. The client may choose its `id`. " + DOUBLE_BOOKING,
        request=AppointmentWriteSerializer,
        examples=APPOINTMENT_EXAMPLES,
        responses={201: AppointmentSerializer, **errors(403, *WRITE_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="Get an appointment", responses={200: AppointmentSerializer, **errors(404)}
    ),
    update=extend_schema(
        summary="Reschedule or change an appointment",
        description="Only an active appointment that has not ended can change. "
        + STATE_CHANGE
        + " "
        + DOUBLE_BOOKING,
        request=AppointmentUpdateSerializer,
        examples=APPOINTMENT_EXAMPLES,
        responses={200: AppointmentSerializer, **errors(403, 404, *WRITE_ERRORS)},
    ),
    partial_update=extend_schema(
        summary="Change part of an appointment",
        description="Only an active appointment that has not ended can change. "
        + STATE_CHANGE
        + " "
        + DOUBLE_BOOKING,
        request=AppointmentUpdateSerializer,
        examples=APPOINTMENT_EXAMPLES,
        responses={200: AppointmentSerializer, **errors(403, 404, *WRITE_ERRORS)},
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
        appointment = appointment_create(**serializer.validated_data, user=_acting_user(request))
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
            appointment_update(
                appointment=appointment, user=_acting_user(request), **serializer.validated_data
            )
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

    @extend_schema(
        summary="Undo an arrival",
        description="Makes an attended appointment active again, until the appointment's end; "
        "the `reason` (required) and the user are kept in the audit trail. Clinic managers "
        "only when the API needs a token (403 for other users). Refused with 409 when the "
        "appointment is not attended (`appointment_not_attended`), is cancelled "
        "(`appointment_cancelled`) or has ended (`appointment_ended`).",
        request=UndoAttendSerializer,
        responses={200: AppointmentSerializer, **errors(403, 404, *WRITE_ERRORS)},
    )
    @action(detail=True, methods=["post"], url_path="undo-attend")
    def undo_attend(self, request, pk=None):
        appointment = self.get_object()
        serializer = UndoAttendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._respond(
            appointment_undo_attend(
                appointment=appointment,
                user=_acting_user(request),
                reason=serializer.validated_data["reason"],
            )
        )


def _acting_user(request):
    """Whom the services ask about permissions: the user when the API needs a token; nobody in
    the trusted-network mode, where whoever reaches the API may do anything."""
    return request.user if api_auth_required() else None


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
