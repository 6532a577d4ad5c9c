"""How appointments look in the API: written with ids, read with linked summaries."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from addresses.postcodes import normalise_postcode
from clinicians.models import Clinician, Department
from clinicians.serializers import (
    ClinicianSummarySerializer,
    DepartmentSummarySerializer,
)
from organisations.models import Site
from organisations.serializers import SiteSummarySerializer
from panda_project.api.fields import (
    AwareDateTimeField,
    DurationTextField,
    IdField,
    NormalisedTextField,
    StrictSerializerMixin,
)
from panda_project.api.links import (
    DIGITS_PLACEHOLDER,
    UUID_PLACEHOLDER,
    context_zone,
    iso_datetime,
    link_builder,
)
from patients.identifiers import identifier_or_none
from patients.models import Patient

from .durations import format_duration
from .models import Appointment, Status

NO_PATIENT = gettext_lazy("No patient has this NHS number.")


class PatientByNHSNumberField(serializers.SlugRelatedField):
    """A patient, written as their NHS number in any accepted spelling."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"does_not_exist": NO_PATIENT})
        super().__init__(slug_field="nhs_number", queryset=Patient.objects.all(), **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        nhs_number = identifier_or_none(data)
        if nhs_number is None:
            self.fail("does_not_exist")
        return super().to_internal_value(nhs_number)


class AppointmentWriteSerializer(StrictSerializerMixin, serializers.Serializer):
    """What a client sends to book or change an appointment."""

    id = serializers.UUIDField(
        required=False, help_text="Optional on create: a client (or an import) may choose the id."
    )
    patient = PatientByNHSNumberField(help_text="The patient's NHS number.")
    starts_at = AwareDateTimeField(help_text="ISO 8601 with a UTC offset; a naive time is refused.")
    duration = DurationTextField(help_text='"1h30m", "45m" or "PT1H30M"; more than 0, at most 24h.')
    clinician = IdField(
        queryset=Clinician.objects.all(), missing=gettext_lazy("No clinician has this id.")
    )
    department = IdField(
        queryset=Department.objects.all(), missing=gettext_lazy("No department has this id.")
    )
    postcode = NormalisedTextField(
        normaliser=normalise_postcode,
        max_length=16,
        help_text='Where it takes place: a UK postcode, returned as "SW1A 1AA".',
    )
    site = IdField(
        queryset=Site.objects.all(),
        missing=gettext_lazy("No site has this id."),
        required=False,
        allow_null=True,
        help_text="Optional: the site where it takes place, one of the department's "
        "organisation's sites where the department has an organisation.",
    )


class AppointmentUpdateSerializer(AppointmentWriteSerializer):
    """What a client sends to change an appointment; its id never changes."""

    id = None


class AppointmentSerializer(serializers.ModelSerializer):
    """An appointment as the API shows it."""

    url = serializers.HyperlinkedIdentityField(view_name="appointment-detail", read_only=True)
    patient = serializers.SlugRelatedField(slug_field="nhs_number", read_only=True)
    patient_url = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    starts_at = AwareDateTimeField(read_only=True)
    ends_at = AwareDateTimeField(read_only=True)
    duration = DurationTextField(read_only=True)
    clinician = ClinicianSummarySerializer(read_only=True)
    department = DepartmentSummarySerializer(read_only=True)
    site = SiteSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Appointment
        fields = [
            "id",
            "url",
            "patient",
            "patient_url",
            "status",
            "starts_at",
            "ends_at",
            "duration",
            "clinician",
            "department",
            "site",
            "postcode",
            "attended_at",
            "cancelled_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, appointment: Appointment) -> dict:
        """The fields above, written out directly: DRF's generic loop, with two nested
        serializers and a ``reverse()`` per link, cost most of a page of appointments.
        ``appointments/tests/test_serializers.py`` checks that this equals the generic result."""
        context = self.context
        zone = context_zone(context)
        now = context.setdefault("now", timezone.now())  # one clock for the whole page
        clinician, department, site = (
            appointment.clinician,
            appointment.department,
            appointment.site,
        )
        return {
            "id": str(appointment.pk),
            "url": link_builder(context, "appointment-detail", "pk", UUID_PLACEHOLDER)(
                appointment.pk
            ),
            "patient": appointment.patient.nhs_number,
            "patient_url": link_builder(context, "patient-detail", "nhs_number")(
                appointment.patient.nhs_number
            ),
            "status": appointment.status_at(now),
            "starts_at": iso_datetime(appointment.starts_at, zone),
            "ends_at": iso_datetime(appointment.ends_at, zone),
            "duration": format_duration(appointment.duration),
            "clinician": {
                "id": clinician.pk,
                "name": clinician.name,
                "url": link_builder(context, "clinician-detail", "pk", DIGITS_PLACEHOLDER)(
                    clinician.pk
                ),
            },
            "department": {
                "id": department.pk,
                "name": department.name,
                "url": link_builder(context, "department-detail", "pk", DIGITS_PLACEHOLDER)(
                    department.pk
                ),
            },
            "site": site
            and {
                "id": site.pk,
                "name": site.name,
                "url": link_builder(context, "site-detail", "pk", DIGITS_PLACEHOLDER)(site.pk),
            },
            "postcode": appointment.postcode,
            "attended_at": iso_datetime(appointment.attended_at, zone),
            "cancelled_at": iso_datetime(appointment.cancelled_at, zone),
            "created_at": iso_datetime(appointment.created_at, zone),
            "updated_at": iso_datetime(appointment.updated_at, zone),
        }

    @extend_schema_field(serializers.URLField())
    def get_patient_url(self, appointment: Appointment) -> str:
        path = reverse("patient-detail", kwargs={"nhs_number": appointment.patient.nhs_number})
        return self.context["request"].build_absolute_uri(path)
