"""Addresses, reached through their owner: ``/patients/{nhs_number}/addresses/``."""

from functools import cached_property

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from panda_project.api.schema import WRITE_ERRORS, errors
from patients.models import Patient
from patients.views import patient_by_nhs_number

from .models import Address
from .serializers import AddressSerializer
from .services import address_create, address_delete, address_update

NHS_NUMBER = OpenApiParameter(
    "nhs_number", str, OpenApiParameter.PATH, description="The patient's NHS number."
)


@extend_schema_view(
    list=extend_schema(
        summary="List a patient's addresses",
        responses={200: AddressSerializer(many=True), **errors(400, 404)},
    ),
    create=extend_schema(
        summary="Add an address", responses={201: AddressSerializer, **errors(404, *WRITE_ERRORS)}
    ),
    retrieve=extend_schema(
        summary="Get an address", responses={200: AddressSerializer, **errors(404)}
    ),
    update=extend_schema(
        summary="Replace an address",
        responses={200: AddressSerializer, **errors(404, *WRITE_ERRORS)},
    ),
    partial_update=extend_schema(
        summary="Change an address",
        responses={200: AddressSerializer, **errors(404, *WRITE_ERRORS)},
    ),
    destroy=extend_schema(summary="Delete an address", responses={204: None, **errors(404)}),
)
@extend_schema(parameters=[NHS_NUMBER])
class PatientAddressViewSet(viewsets.ModelViewSet):
    """A patient's postal addresses; a patient may have several."""

    permission_model = Address
    serializer_class = AddressSerializer
    filter_backends = []
    lookup_value_regex = "[0-9]+"

    @cached_property
    def patient(self) -> Patient:
        return patient_by_nhs_number(self.kwargs["nhs_number"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Patient().addresses.none()
        return self.patient.addresses.all()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["patient"] = self.patient
        return context

    def perform_create(self, serializer):
        serializer.instance = address_create(owner=self.patient, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = address_update(
            address=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        address_delete(address=instance)
