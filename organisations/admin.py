"""Organisations and sites in the back office, written through ``organisations.services``."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy

from addresses.services import EDITABLE_FIELDS as ADDRESS_FIELDS
from backoffice.admin_tools import ServiceAdminMixin
from backoffice.forms import ServiceModelForm
from patients.admin import AddressInline

from .models import Organisation, Site
from .services import (
    organisation_create,
    organisation_delete,
    organisation_update,
    site_create,
    site_delete,
    site_update,
)


class OrganisationForm(ServiceModelForm):
    service_fields = ("name", "ods_code")

    class Meta:
        model = Organisation
        fields = ("name", "ods_code")

    def create(self, data):
        return organisation_create(**data)

    def update(self, instance, data):
        return organisation_update(organisation=instance, **data)


class SiteInline(admin.TabularInline):
    model = Site
    fields = ("name",)
    readonly_fields = ("name",)
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # a site is added on its own page, with its address


@admin.register(Organisation)
class OrganisationAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = OrganisationForm
    list_display = ("name", "ods_code", "updated_at")
    search_fields = ("name", "=ods_code")
    readonly_fields = ("created_at", "updated_at")
    fields = ("name", "ods_code", "created_at", "updated_at")
    inlines = (AddressInline, SiteInline)

    def delete_through_service(self, obj):
        organisation_delete(organisation=obj)


class SiteForm(ServiceModelForm):
    """A site with its one address, on one form, saved by one service call."""

    service_fields = ("name", "organisation")
    line1 = forms.CharField(label=gettext_lazy("Address line 1"), max_length=255)
    line2 = forms.CharField(label=gettext_lazy("Address line 2"), max_length=255, required=False)
    line3 = forms.CharField(label=gettext_lazy("Address line 3"), max_length=255, required=False)
    town = forms.CharField(max_length=120)
    county = forms.CharField(max_length=120, required=False)
    postcode = forms.CharField(max_length=16)
    country = forms.CharField(max_length=120, initial="United Kingdom")

    class Meta:
        model = Site
        fields = ("name", "organisation")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        address = None if self.instance._state.adding else self.instance.address
        if address is not None:
            for field in ADDRESS_FIELDS:
                self.initial[field] = getattr(address, field)
        if not self.instance._state.adding:
            self.fields["organisation"].disabled = True  # a site never changes organisation

    def _address(self) -> dict:
        return {field: self.cleaned_data[field] for field in ADDRESS_FIELDS}

    def create(self, data):
        return site_create(**data, address=self._address())

    def update(self, instance, data):
        data.pop("organisation", None)
        return site_update(site=instance, address=self._address(), **data)


@admin.register(Site)
class SiteAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = SiteForm
    list_display = ("name", "organisation", "postcode")
    list_filter = ("organisation",)
    list_select_related = ("organisation",)
    search_fields = ("name", "organisation__name")
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "organisation")}),
        ("Address", {"fields": ADDRESS_FIELDS}),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("addresses")

    @admin.display(description=gettext_lazy("Postcode"))
    def postcode(self, site):
        address = site.address
        return address.postcode if address else "-"

    def delete_through_service(self, obj):
        site_delete(site=obj)
