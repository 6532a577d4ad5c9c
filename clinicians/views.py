"""Clinicians, their memberships, and departments: thin views over ``clinicians.services``."""

from functools import cached_property

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.response import Response

from organisations.views import documented
from panda_project.api.schema import WRITE_ERRORS, errors

from .filters import ClinicianFilter, DepartmentFilter
from .models import Clinician, Department, Membership
from .serializers import (
    ClinicianSerializer,
    DepartmentSerializer,
    MembershipSerializer,
    MembershipWriteSerializer,
)
from .services import (
    clinician_create,
    clinician_delete,
    clinician_update,
    department_create,
    department_delete,
    department_update,
    membership_create,
    membership_delete,
    membership_update,
)


def _memberships():
    return Membership.objects.select_related("organisation", "site")


@documented(
    "clinician",
    ClinicianSerializer,
    "Deletes the clinician with their memberships. Refused with 409 (`clinician_in_use`) while "
    "they have appointments.",
)
class ClinicianViewSet(viewsets.ModelViewSet):
    """Clinicians whom patients are booked to see; a registration number is unique (409)."""

    queryset = Clinician.objects.prefetch_related(Prefetch("memberships", queryset=_memberships()))
    serializer_class = ClinicianSerializer
    filterset_class = ClinicianFilter
    ordering_fields = ["name", "id"]
    lookup_value_regex = "[0-9]+"

    def perform_create(self, serializer):
        serializer.instance = clinician_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = clinician_update(
            clinician=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        clinician_delete(clinician=instance)


@documented(
    "department",
    DepartmentSerializer,
    "Refused with 409 (`department_in_use`) while it has appointments.",
)
class DepartmentViewSet(viewsets.ModelViewSet):
    """Clinical departments; a department's name is unique (409 otherwise)."""

    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilter
    ordering_fields = ["name", "id"]
    lookup_value_regex = "[0-9]+"

    def perform_create(self, serializer):
        serializer.instance = department_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = department_update(
            department=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        department_delete(department=instance)


CLINICIAN_PK = OpenApiParameter(
    "clinician_pk", int, OpenApiParameter.PATH, description="The clinician's id."
)
MEMBERSHIP_RULES = (
    "The site, if any, must be one of the organisation's (400 `site_of_other_organisation`); "
    "`ended_on` cannot be before `started_on` (400 `ends_before_start`); two spells at the "
    "same organisation and site may not overlap (409 `membership_overlaps`)."
)


@extend_schema_view(
    list=extend_schema(
        summary="List a clinician's memberships",
        description="Every spell, current or ended, latest first.",
        responses={200: MembershipSerializer(many=True), **errors(400, 404)},
    ),
    create=extend_schema(
        summary="Record where a clinician works",
        description=MEMBERSHIP_RULES,
        request=MembershipWriteSerializer,
        responses={201: MembershipSerializer, **errors(404, *WRITE_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="Get a membership", responses={200: MembershipSerializer, **errors(404)}
    ),
    update=extend_schema(
        summary="Replace a membership",
        description=MEMBERSHIP_RULES,
        request=MembershipWriteSerializer,
        responses={200: MembershipSerializer, **errors(404, *WRITE_ERRORS)},
    ),
    partial_update=extend_schema(
        summary="Change a membership, e.g. end it",
        description="Set `ended_on` when the clinician leaves; the spell stays in the history. "
        + MEMBERSHIP_RULES,
        request=MembershipWriteSerializer,
        responses={200: MembershipSerializer, **errors(404, *WRITE_ERRORS)},
    ),
    destroy=extend_schema(
        summary="Delete a membership recorded in error", responses={204: None, **errors(404)}
    ),
)
@extend_schema(parameters=[CLINICIAN_PK])
class ClinicianMembershipViewSet(viewsets.ModelViewSet):
    """The organisations and sites a clinician works or worked at, with their dates."""

    permission_model = Membership
    serializer_class = MembershipSerializer
    filter_backends = []
    lookup_value_regex = "[0-9]+"

    @cached_property
    def clinician(self) -> Clinician:
        return get_object_or_404(Clinician, pk=self.kwargs["clinician_pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return _memberships().filter(clinician=self.clinician)

    def _write(self, request, membership: Membership | None = None, partial=False) -> dict:
        serializer = MembershipWriteSerializer(
            membership, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _respond(self, membership: Membership, status_code: int = status.HTTP_200_OK):
        membership = self.get_queryset().get(pk=membership.pk)
        return Response(self.get_serializer(membership).data, status=status_code)

    def create(self, request, *args, **kwargs):
        values = self._write(request)
        membership = membership_create(clinician=self.clinician, **values)
        response = self._respond(membership, status.HTTP_201_CREATED)
        response["Location"] = response.data["url"]
        return response

    def update(self, request, *args, **kwargs):
        membership = self.get_object()
        values = self._write(request, membership, partial=kwargs.get("partial", False))
        return self._respond(membership_update(membership=membership, **values))

    def perform_destroy(self, instance):
        membership_delete(membership=instance)
