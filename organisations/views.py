"""Organisations, their addresses and their sites: thin views over ``organisations.services``."""

from functools import cached_property

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from addresses.models import Address
from addresses.services import address_create, address_delete, address_update
from panda_project.api.schema import WRITE_ERRORS, errors

from .filters import OrganisationFilter, SiteFilter
from .models import Organisation, Site
from .serializers import OrganisationAddressSerializer, OrganisationSerializer, SiteSerializer
from .services import (
    organisation_create,
    organisation_delete,
    organisation_update,
    site_create,
    site_delete,
    site_update,
)


def documented(noun: str, serializer, delete_refused: str):
    """The OpenAPI description of a plain CRUD viewset."""
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {noun}s", responses={200: serializer(many=True), **errors(400)}
        ),
        create=extend_schema(
            summary=f"Add a {noun}", responses={201: serializer, **errors(*WRITE_ERRORS)}
        ),
        retrieve=extend_schema(summary=f"Get a {noun}", responses={200: serializer, **errors(404)}),
        update=extend_schema(
            summary=f"Replace a {noun}",
            responses={200: serializer, **errors(404, *WRITE_ERRORS)},
        ),
        partial_update=extend_schema(
            summary=f"Change a {noun}", responses={200: serializer, **errors(404, *WRITE_ERRORS)}
        ),
        destroy=extend_schema(
            summary=f"Delete a {noun}",
            description=delete_refused,
            responses={204: None, **errors(404, 409)},
        ),
    )


@documented(
    "organisation",
    OrganisationSerializer,
    "Deletes it with its addresses. Refused with 409 (`organisation_in_use`) while it has "
    "sites, departments or clinicians' memberships.",
)
class OrganisationViewSet(viewsets.ModelViewSet):
    """Organisations that clinicians work for; an ODS code, when given, is unique (409)."""

    queryset = Organisation.objects.all()
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "ods_code", "id", "created_at", "updated_at"]
    lookup_value_regex = "[0-9]+"

    def perform_create(self, serializer):
        serializer.instance = organisation_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = organisation_update(
            organisation=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        organisation_delete(organisation=instance)


ORGANISATION_PK = OpenApiParameter(
    "organisation_pk", int, OpenApiParameter.PATH, description="The organisation's id."
)


@extend_schema_view(
    list=extend_schema(
        summary="List an organisation's addresses",
        responses={200: OrganisationAddressSerializer(many=True), **errors(400, 404)},
    ),
    create=extend_schema(
        summary="Add an address to an organisation",
        responses={201: OrganisationAddressSerializer, **errors(404, *WRITE_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="Get an organisation's address",
        responses={200: OrganisationAddressSerializer, **errors(404)},
    ),
    update=extend_schema(
        summary="Replace an organisation's address",
        responses={200: OrganisationAddressSerializer, **errors(404, *WRITE_ERRORS)},
    ),
    partial_update=extend_schema(
        summary="Change an organisation's address",
        responses={200: OrganisationAddressSerializer, **errors(404, *WRITE_ERRORS)},
    ),
    destroy=extend_schema(
        summary="Delete an organisation's address", responses={204: None, **errors(404)}
    ),
)
@extend_schema(parameters=[ORGANISATION_PK])
class OrganisationAddressViewSet(viewsets.ModelViewSet):
    """An organisation's postal addresses, kept with every other address."""

    permission_model = Address
    serializer_class = OrganisationAddressSerializer
    filter_backends = []
    lookup_value_regex = "[0-9]+"

    @cached_property
    def organisation(self) -> Organisation:
        return get_object_or_404(Organisation, pk=self.kwargs["organisation_pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Address.objects.none()
        return self.organisation.addresses.all()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["organisation"] = self.organisation
        return context

    def perform_create(self, serializer):
        serializer.instance = address_create(owner=self.organisation, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = address_update(
            address=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        address_delete(address=instance)


@documented(
    "site",
    SiteSerializer,
    "Deletes it with its address. Refused with 409 (`site_in_use`) while appointments or "
    "clinicians' memberships name it.",
)
class SiteViewSet(viewsets.ModelViewSet):
    """Places that organisations work from, each with its address."""

    queryset = Site.objects.select_related("organisation").prefetch_related(
        Prefetch("addresses", queryset=Address.objects.order_by("id"))
    )
    serializer_class = SiteSerializer
    filterset_class = SiteFilter
    ordering_fields = ["name", "id", "created_at", "updated_at"]
    lookup_value_regex = "[0-9]+"

    def perform_create(self, serializer):
        serializer.instance = site_create(**serializer.validated_data)

    def perform_update(self, serializer):
        changes = dict(serializer.validated_data)
        changes.pop("organisation", None)  # checked unchanged by the serializer
        serializer.instance = site_update(site=serializer.instance, **changes)
        # The address may have changed beneath the prefetched one.
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        site_delete(site=instance)
