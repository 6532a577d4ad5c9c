"""How clinicians and departments look in the API."""

from rest_framework import serializers

from panda_project.api.fields import StrictSerializerMixin, TextField

from .models import Clinician, Department


class ClinicianSerializer(StrictSerializerMixin, serializers.HyperlinkedModelSerializer):
    """A clinician whom patients are booked to see."""

    name = TextField(max_length=255)

    class Meta:
        model = Clinician
        fields = ["id", "name", "url", "created_at", "updated_at"]
        extra_kwargs = {"url": {"view_name": "clinician-detail"}}


class DepartmentSerializer(StrictSerializerMixin, serializers.HyperlinkedModelSerializer):
    """A clinical department; its name is unique."""

    name = TextField(max_length=255)

    class Meta:
        model = Department
        fields = ["id", "name", "url", "created_at", "updated_at"]
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
