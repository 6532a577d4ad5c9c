"""Clinicians (with where they work) and departments in the back office: listed, searched and
edited through the services (a department's name stays unique)."""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from backoffice.admin_tools import ServiceAdminMixin
from backoffice.forms import OwnedServiceModelForm, ServiceInlineFormSetMixin, ServiceModelForm

from .models import Clinician, Department, Membership
from .services import (
    MEMBERSHIP_FIELDS,
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


class ClinicianForm(ServiceModelForm):
    service_fields = ("name", "registration_number")

    class Meta:
        model = Clinician
        fields = ("name", "registration_number")

    def create(self, data):
        return clinician_create(**data)

    def update(self, instance, data):
        return clinician_update(clinician=instance, **data)


class DepartmentForm(ServiceModelForm):
    service_fields = ("name", "organisation", "allows_overbooking")

    class Meta:
        model = Department
        fields = ("name", "organisation", "allows_overbooking")

    def create(self, data):
        return department_create(**data)

    def update(self, instance, data):
        return department_update(department=instance, **data)


class _NamedAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("name", "created_at", "updated_at")
    search_fields = ("name",)
    readonly_fields = ("created_at", "updated_at")
    fields = ("name", "created_at", "updated_at")


class MembershipForm(OwnedServiceModelForm):
    service_fields = MEMBERSHIP_FIELDS

    class Meta:
        model = Membership
        fields = MEMBERSHIP_FIELDS

    def create(self, data):
        return membership_create(clinician=self.owner, **data)

    def update(self, instance, data):
        return membership_update(membership=instance, **data)


class MembershipFormSet(ServiceInlineFormSetMixin, BaseInlineFormSet):
    def delete(self, obj):
        membership_delete(membership=obj)


class MembershipInline(admin.TabularInline):
    """Where the clinician works and has worked; set "ended on" when they leave."""

    model = Membership
    form = MembershipForm
    formset = MembershipFormSet
    fields = MEMBERSHIP_FIELDS
    autocomplete_fields = ("organisation", "site")
    extra = 0


@admin.register(Clinician)
class ClinicianAdmin(_NamedAdmin):
    form = ClinicianForm
    list_display = ("name", "registration_number", "created_at", "updated_at")
    search_fields = ("name", "=registration_number")
    fields = ("name", "registration_number", "created_at", "updated_at")
    inlines = (MembershipInline,)

    def delete_through_service(self, obj):
        clinician_delete(clinician=obj)


@admin.register(Department)
class DepartmentAdmin(_NamedAdmin):
    form = DepartmentForm
    fields = ("name", "organisation", "allows_overbooking", "created_at", "updated_at")
    list_display = ("name", "organisation", "allows_overbooking", "created_at", "updated_at")
    list_select_related = ("organisation",)

    def delete_through_service(self, obj):
        department_delete(department=obj)
