"""Clinicians and departments: list, create, retrieve and update."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from panda_project.api.schema import WRITE_ERRORS, errors

from .models import Clinician, Department
from .serializers import ClinicianSerializer, DepartmentSerializer
from .services import (
    clinician_create,
    clinician_update,
    department_create,
    department_update,
)


def _documented(noun: str, serializer):
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {noun}s", responses={200: serializer(many=True), **errors(400)}
        ),
        create=extend_schema(
            summary=f"Add a {noun}", responses={201: serializer, **errors(*WRITE_ERRORS)}
        ),
        retrieve=extend_schema(summary=f"Get a {noun}", responses={200: serializer, **errors(404)}),
        update=extend_schema(
            summary=f"Rename a {noun}", responses={200: serializer, **errors(404, *WRITE_ERRORS)}
        ),
        partial_update=extend_schema(
            summary=f"Rename a {noun}", responses={200: serializer, **errors(404, *WRITE_ERRORS)}
        ),
    )


class _NamedViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    lookup_value_regex = "[0-9]+"
    ordering_fields = ["name", "id"]
    filterset_fields = {"name": ["exact"]}


@_documented("clinician", ClinicianSerializer)
class ClinicianViewSet(_NamedViewSet):
    """Clinicians whom patients are booked to see."""

    queryset = Clinician.objects.all()
    serializer_class = ClinicianSerializer

    def perform_create(self, serializer):
        serializer.instance = clinician_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = clinician_update(
            clinician=serializer.instance, **serializer.validated_data
        )


@_documented("department", DepartmentSerializer)
class DepartmentViewSet(_NamedViewSet):
    """Clinical departments; a department's name is unique (409 otherwise)."""

    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer

    def perform_create(self, serializer):
        serializer.instance = department_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = department_update(
            department=serializer.instance, **serializer.validated_data
        )
