"""Clinicians and departments in the back office: listed, searched and edited through the
services (a department's name stays unique)."""

from django.contrib import admin

from backoffice.admin_tools import ServiceAdminMixin
from backoffice.forms import ServiceModelForm

from .models import Clinician, Department
from .services import clinician_create, clinician_update, department_create, department_update


class ClinicianForm(ServiceModelForm):
    service_fields = ("name",)

    class Meta:
        model = Clinician
        fields = ("name",)

    def create(self, data):
        return clinician_create(**data)

    def update(self, instance, data):
        return clinician_update(clinician=instance, **data)


class DepartmentForm(ServiceModelForm):
    service_fields = ("name",)

    class Meta:
        model = Department
        fields = ("name",)

    def create(self, data):
        return department_create(**data)

    def update(self, instance, data):
        return department_update(department=instance, **data)


class _NamedAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("name", "created_at", "updated_at")
    search_fields = ("name",)
    readonly_fields = ("created_at", "updated_at")
    fields = ("name", "created_at", "updated_at")

    def delete_through_service(self, obj):
        # No rule guards this beyond the database's: an appointment's clinician or department
        # is protected, and the admin's confirmation page lists what stops the deletion.
        obj.delete()


@admin.register(Clinician)
class ClinicianAdmin(_NamedAdmin):
    form = ClinicianForm


@admin.register(Department)
class DepartmentAdmin(_NamedAdmin):
    form = DepartmentForm
