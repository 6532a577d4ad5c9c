"""The reminders API: an appointment's reminders, and GOV.UK Notify's delivery callback."""

import hmac
import uuid
from functools import cached_property

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from appointments.models import Appointment
from panda_project.api.filters import OrderingFilter
from panda_project.api.schema import Error, errors

from .models import Reminder
from .serializers import NotifyCallbackSerializer, ReminderSerializer
from .services import reminder_delivery_record


@extend_schema(
    summary="List an appointment's reminders",
    description="Every reminder planned for the appointment, in the order they were due: sent, "
    "delivered, failed, cancelled (the appointment was cancelled or moved) or skipped, with the "
    "reason.",
    responses={200: ReminderSerializer(many=True), **errors(400, 404)},
)
class AppointmentReminderViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ReminderSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["due_at", "created_at"]
    ordering = ["due_at", "id"]

    @cached_property
    def appointment(self) -> Appointment:
        try:
            key = uuid.UUID(self.kwargs["appointment_pk"])
        except ValueError:
            key = None
        appointment = Appointment.objects.filter(pk=key).first() if key else None
        if appointment is None:
            raise exceptions.NotFound(_("No appointment has this id."))
        return appointment

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Reminder.objects.none()
        return Reminder.objects.filter(appointment=self.appointment).select_related("variant")


class CallbackTokenAuthentication:
    """Notify's callbacks carry ``Authorization: Bearer <PANDA_NOTIFY_CALLBACK_TOKEN>``."""

    def authenticate(self, request):
        expected = settings.PANDA_NOTIFY_CALLBACK_TOKEN
        scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
        if not (
            expected
            and scheme.lower() == "bearer"
            and hmac.compare_digest(token.strip().encode(), expected.encode())
        ):
            raise exceptions.AuthenticationFailed(_("This callback token is not valid."))
        return (None, "notify")

    def authenticate_header(self, request):
        return 'Bearer realm="notify"'


class CallbackTokenScheme(OpenApiAuthenticationExtension):
    target_class = "reminders.views.CallbackTokenAuthentication"
    name = "NotifyCallbackToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "PANDA_NOTIFY_CALLBACK_TOKEN"}


class NotifyCallbackView(APIView):
    """GOV.UK Notify reports each message's delivery here."""

    authentication_classes = [CallbackTokenAuthentication]
    permission_classes = []
    throttle_classes = []

    @extend_schema(
        summary="Notify's delivery callback",
        description="Marks the reminder whose id is `reference` delivered or failed. "
        "Authenticated by `Authorization: Bearer <PANDA_NOTIFY_CALLBACK_TOKEN>` (401 otherwise); "
        "an unknown reference is a 404; a reminder never sent is a 409 (`reminder_not_sent`).",
        request=NotifyCallbackSerializer,
        responses={
            200: OpenApiResponse(ReminderSerializer, description="The reminder, as recorded."),
            **errors(400, 404, 409),
            401: OpenApiResponse(Error, description="No bearer token, or not the callback's."),
        },
    )
    def post(self, request):
        serializer = NotifyCallbackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            reference = uuid.UUID(data["reference"])
        except ValueError:
            reference = None
        reminder = Reminder.objects.filter(pk=reference).first() if reference else None
        if reminder is None:
            raise exceptions.NotFound(_("No reminder has this reference."))
        reminder = reminder_delivery_record(
            reminder=reminder, status=data["status"], provider_id=data["id"]
        )
        return Response(ReminderSerializer(reminder).data)
