"""How addresses look in the API."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from panda_project.api.fields import (
    ModelFieldsOnceMixin,
    NormalisedTextField,
    StrictSerializerMixin,
    TextField,
)

from .models import Address
from .postcodes import normalise_postcode


class AddressSerializer(ModelFieldsOnceMixin, StrictSerializerMixin, serializers.ModelSerializer):
    """A postal address, reached through its owner (the view puts it in the context)."""

    url = serializers.SerializerMethodField()
    line1 = TextField(max_length=255)
    line2 = TextField(max_length=255, required=False, allow_blank=True)
    line3 = TextField(max_length=255, required=False, allow_blank=True)
    town = TextField(max_length=120)
    county = TextField(max_length=120, required=False, allow_blank=True)
    postcode = NormalisedTextField(
        normaliser=normalise_postcode,
        max_length=16,
        help_text='Any case and spacing; returned as "SW1A 1AA".',
    )
    country = TextField(max_length=120, required=False)

    class Meta:
        model = Address
        fields = [
            "id",
            "url",
            "line1",
            "line2",
            "line3",
            "town",
            "county",
            "postcode",
            "country",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    @extend_schema_field(serializers.URLField())
    def get_url(self, address: Address) -> str:
        path = reverse(
            "patient-addresses-detail",
            kwargs={"nhs_number": self.context["patient"].nhs_number, "pk": address.pk},
        )
        return self.context["request"].build_absolute_uri(path)
