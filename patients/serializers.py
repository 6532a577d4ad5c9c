"""How patients look in the API; rules are in ``patients.services``."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from addresses.postcodes import normalise_postcode
from panda_project.api.fields import (
    ModelFieldsOnceMixin,
    NormalisedTextField,
    StrictSerializerMixin,
    TextField,
)
from panda_project.api.links import context_zone, iso_datetime, link_builder

from .identifiers import normalise_identifier
from .models import Patient
from .names import NAME_MAX_LENGTH
from .phones import normalise_phone


class PatientSerializer(ModelFieldsOnceMixin, StrictSerializerMixin, serializers.ModelSerializer):
    """A patient, with the exchange format's field names."""

    url = serializers.HyperlinkedIdentityField(
        view_name="patient-detail", lookup_field="nhs_number", read_only=True
    )
    nhs_number = NormalisedTextField(
        normaliser=normalise_identifier,
        help_text='The NHS number, accepted as "9434765919", "943 476 5919" or "943-476-5919" '
        "and returned as 10 digits. Its check digit is verified.",
    )
    name = TextField(
        max_length=NAME_MAX_LENGTH,
        help_text=f"Kept exactly as written, in any script (NFC, outer spaces trimmed); at most "
        f"{NAME_MAX_LENGTH} characters.",
    )
    postcode = NormalisedTextField(
        normaliser=normalise_postcode,
        max_length=16,
        help_text='A UK postcode in any case and spacing; returned as "SW1A 1AA".',
    )
    phone = NormalisedTextField(
        normaliser=normalise_phone,
        required=False,
        allow_blank=True,
        max_length=32,
        help_text="Optional; UK numbers may be national, others need +country code. "
        "Returned in E.164.",
    )
    addresses_url = serializers.SerializerMethodField()
    appointments_url = serializers.SerializerMethodField()

    class Meta:
        model = Patient
        fields = [
            "nhs_number",
            "name",
            "date_of_birth",
            "postcode",
            "phone",
            "email",
            "reminder_channel",
            "language",
            "url",
            "addresses_url",
            "appointments_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    # What to_representation reads: a list reads only these columns, as rows (see the view).
    ROW_FIELDS = (
        "id",
        "nhs_number",
        "name",
        "date_of_birth",
        "postcode",
        "phone",
        "email",
        "reminder_channel",
        "language",
        "created_at",
        "updated_at",
    )

    def to_representation(self, patient: Patient) -> dict:
        """The fields above, written out directly: DRF's generic loop over field objects and one
        ``reverse()`` per link made a page of 100 patients several times slower than its SQL.
        ``patients/tests/test_serializers.py`` checks that this equals the generic result."""
        context = self.context
        patient_url = link_builder(context, "patient-detail", "nhs_number")(patient.nhs_number)
        zone = context_zone(context)
        return {
            "nhs_number": patient.nhs_number,
            "name": patient.name,
            "date_of_birth": patient.date_of_birth.isoformat(),
            "postcode": patient.postcode,
            "phone": patient.phone,
            "email": patient.email,
            "reminder_channel": patient.reminder_channel,
            "language": patient.language,
            "url": patient_url,
            "addresses_url": patient_url + "addresses/",
            "appointments_url": patient_url + "appointments/",
            "created_at": iso_datetime(patient.created_at, zone),
            "updated_at": iso_datetime(patient.updated_at, zone),
        }

    def _link(self, name: str, patient: Patient) -> str:
        path = reverse(name, kwargs={"nhs_number": patient.nhs_number})
        return self.context["request"].build_absolute_uri(path)

    @extend_schema_field(serializers.URLField())
    def get_addresses_url(self, patient: Patient) -> str:
        return self._link("patient-addresses-list", patient)

    @extend_schema_field(serializers.URLField())
    def get_appointments_url(self, patient: Patient) -> str:
        return self._link("patient-appointments-list", patient)
