"""How organisations, their addresses and their sites look in the API."""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from addresses.serializers import AddressSerializer
from panda_project.api.fields import (
    ModelFieldsOnceMixin,
    NormalisedTextField,
    StrictSerializerMixin,
    TextField,
)

from .models import Organisation, Site
from .ods import ODS_CODE_MAX_LENGTH, normalise_ods_code


def _absolute(serializer, name: str, **kwargs) -> str:
    return serializer.context["request"].build_absolute_uri(reverse(name, kwargs=kwargs))


class OrganisationSerializer(
    ModelFieldsOnceMixin, StrictSerializerMixin, serializers.HyperlinkedModelSerializer
):
    """An organisation, such as an NHS trust or a GP practice."""

    name = TextField(max_length=255)
    ods_code = NormalisedTextField(
        normaliser=normalise_ods_code,
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=ODS_CODE_MAX_LENGTH + 8,
        help_text='The NHS ODS code, 3 to 10 letters and digits ("RJ1", "RRK02", "Y01234"), '
        "in any case; returned upper-case. Unique; null when unknown.",
    )
    addresses_url = serializers.SerializerMethodField()
    sites_url = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "ods_code",
            "url",
            "addresses_url",
            "sites_url",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"url": {"view_name": "organisation-detail"}}

    @extend_schema_field(serializers.URLField())
    def get_addresses_url(self, organisation: Organisation) -> str:
        return _absolute(self, "organisation-addresses-list", organisation_pk=organisation.pk)

    @extend_schema_field(serializers.URLField())
    def get_sites_url(self, organisation: Organisation) -> str:
        return f"{_absolute(self, 'site-list')}?organisation={organisation.pk}"


class OrganisationAddressSerializer(AddressSerializer):
    """An organisation's postal address."""

    @extend_schema_field(serializers.URLField())
    def get_url(self, address) -> str:
        return _absolute(
            self,
            "organisation-addresses-detail",
            organisation_pk=self.context["organisation"].pk,
            pk=address.pk,
        )


class SiteAddressSerializer(AddressSerializer):
    """A site's address, written and read with the site."""

    url = None

    class Meta(AddressSerializer.Meta):
        fields = [field for field in AddressSerializer.Meta.fields if field != "url"]


class OrganisationSummarySerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "ods_code", "url"]
        extra_kwargs = {"url": {"view_name": "organisation-detail"}}


class SiteSummarySerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = Site
        fields = ["id", "name", "url"]
        extra_kwargs = {"url": {"view_name": "site-detail"}}


class SiteSerializer(
    ModelFieldsOnceMixin, StrictSerializerMixin, serializers.HyperlinkedModelSerializer
):
    """A place an organisation works from, with its address. Its organisation never changes."""

    name = TextField(max_length=255)
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), help_text="The organisation's id; fixed once set."
    )
    organisation_url = serializers.HyperlinkedRelatedField(
        source="organisation", view_name="organisation-detail", read_only=True
    )
    address = SiteAddressSerializer(help_text="Where the site is.")

    class Meta:
        model = Site
        fields = [
            "id",
            "name",
            "organisation",
            "organisation_url",
            "address",
            "url",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"url": {"view_name": "site-detail"}}
        # The service reports a duplicate name as a 409, like every other duplicate.
        validators = []

    def validate_organisation(self, organisation: Organisation) -> Organisation:
        if self.instance is not None and organisation.pk != self.instance.organisation_id:
            raise serializers.ValidationError(
                _("A site cannot move to another organisation."), code="organisation_fixed"
            )
        return organisation
