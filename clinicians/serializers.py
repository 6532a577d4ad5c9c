"""How clinicians, their memberships and departments look in the API."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organisations.models import Organisation, Site
from organisations.serializers import OrganisationSummarySerializer, SiteSummarySerializer
from panda_project.api.fields import (
    ModelFieldsOnceMixin,
    NormalisedTextField,
    StrictBooleanField,
    StrictSerializerMixin,
    TextField,
)

from .models import Clinician, Department, Membership
from .registrations import REGISTRATION_NUMBER_MAX_LENGTH, normalise_registration_number


class MembershipSerializer(serializers.ModelSerializer):
    """A spell of a clinician working for an organisation, optionally at one of its sites."""

    url = serializers.SerializerMethodField()
    organisation = OrganisationSummarySerializer(read_only=True)
    site = SiteSummarySerializer(read_only=True, allow_null=True)
    current = serializers.SerializerMethodField(help_text="In force today.")

    class Meta:
        model = Membership
        fields = ["id", "url", "organisation", "site", "started_on", "ended_on", "current"]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField())
    def get_url(self, membership: Membership) -> str:
        path = reverse(
            "clinician-memberships-detail",
            kwargs={"clinician_pk": membership.clinician_id, "pk": membership.pk},
        )
        return self.context["request"].build_absolute_uri(path)

    def get_current(self, membership: Membership) -> bool:
        today = timezone.localdate()
        return membership.started_on <= today and (
            membership.ended_on is None or membership.ended_on >= today
        )


class MembershipWriteSerializer(StrictSerializerMixin, serializers.Serializer):
    """What a client sends to record or change a spell; ``ended_on`` is the last day worked."""

    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    site = serializers.PrimaryKeyRelatedField(
        queryset=Site.objects.all(),
        required=False,
        allow_null=True,
        help_text="One of the organisation's sites, or null.",
    )
    started_on = serializers.DateField()
    ended_on = serializers.DateField(
        required=False, allow_null=True, help_text="The last day; null while current."
    )


class ClinicianSerializer(
    ModelFieldsOnceMixin, StrictSerializerMixin, serializers.HyperlinkedModelSerializer
):
    """A clinician whom patients are booked to see, with where they work and have worked."""

    name = TextField(max_length=255)
    registration_number = NormalisedTextField(
        normaliser=normalise_registration_number,
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=REGISTRATION_NUMBER_MAX_LENGTH + 8,
        help_text="The professional registration number (GMC, NMC, HCPC...): 4 to 20 letters "
        "and digits, returned upper-case without spaces. Unique; null when not recorded.",
    )
    memberships = MembershipSerializer(
        many=True,
        read_only=True,
        help_text="Every spell at an organisation (and site), latest first; change them at "
        "memberships_url.",
    )
    memberships_url = serializers.SerializerMethodField()

    class Meta:
        model = Clinician
        fields = [
            "id",
            "name",
            "registration_number",
            "url",
            "memberships",
            "memberships_url",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"url": {"view_name": "clinician-detail"}}

    @extend_schema_field(serializers.URLField())
    def get_memberships_url(self, clinician: Clinician) -> str:
        path = reverse("clinician-memberships-list", kwargs={"clinician_pk": clinician.pk})
        return self.context["request"].build_absolute_uri(path)


class DepartmentSerializer(
    ModelFieldsOnceMixin, StrictSerializerMixin, serializers.HyperlinkedModelSerializer
):
    """A clinical department; its name is unique. It may belong to an organisation."""

    name = TextField(max_length=255)
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text="The organisation's id, or null.",
    )
    organisation_url = serializers.HyperlinkedRelatedField(
        source="organisation", view_name="organisation-detail", read_only=True, allow_null=True
    )
    allows_overbooking = StrictBooleanField(
        required=False,
        help_text="Whether a clinician's appointments in this department may overlap one "
        "another; false unless set.",
    )

    class Meta:
        model = Department
        fields = [
            "id",
            "name",
            "organisation",
            "organisation_url",
            "allows_overbooking",
            "url",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"url": {"view_name": "department-detail"}}


class ClinicianSummarySerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = Clinician
        fields = ["id", "name", "url"]
        extra_kwargs = {"url": {"view_name": "clinician-detail"}}


class DepartmentSummarySerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "url"]
        extra_kwargs = {"url": {"view_name": "department-detail"}}
