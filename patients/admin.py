"""Patients in the back office: found by NHS number typed any way, by name or by postcode, with
their addresses and appointments on the same page. Every write goes through the services."""

import uuid

from django import forms
from django.contrib import admin
from django.contrib.contenttypes.admin import BaseGenericInlineFormSet, GenericTabularInline
from django.db import connections
from django.db.models import Q
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from addresses.models import Address
from addresses.postcodes import postcode_or_none
from addresses.services import EDITABLE_FIELDS as ADDRESS_FIELDS
from addresses.services import address_create, address_delete, address_update
from appointments.admin import AppointmentInline
from backoffice.admin_tools import (
    CSVExportMixin,
    ReadOnlyAdminMixin,
    ServiceAdminMixin,
    local_iso,
    local_time,
)
from backoffice.forms import OwnedServiceModelForm, ServiceInlineFormSetMixin, ServiceModelForm
from data_rights.admin import PatientDataRightsAdminMixin

from .filters import name_search_contains
from .identifiers import format_identifier, identifier_or_none
from .models import Language, Patient, ReminderChannel
from .names import name_search_key
from .phones import format_phone
from .services import EDITABLE_FIELDS, patient_create, patient_delete, patient_update


def patient_search(queryset, term: str):
    """Patients matching ``term``: an NHS number in any spacing, a postcode in any case or
    spacing, or part of a name (case- and accent-insensitive, as the API's filter)."""
    term = term.strip()
    if not term:
        return queryset
    nhs_number = identifier_or_none(term)
    if nhs_number is not None:
        return queryset.filter(nhs_number=nhs_number)
    matches = Q()
    key = name_search_key(term)
    if key:
        matches |= name_search_contains(key, connections[queryset.db].vendor)
    postcode = postcode_or_none(term)
    if postcode is not None:
        matches |= Q(postcode=postcode)
    return queryset.filter(matches) if matches else queryset.none()


class ShownAsReadField(forms.CharField):
    """A text field that shows the stored value as people read it (``show``); what is typed
    is passed on as typed, for the service to normalise."""

    def __init__(self, *, show, **kwargs):
        self.show = show
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return self.show(value) if value else value


class PatientForm(ServiceModelForm):
    service_fields = EDITABLE_FIELDS
    # Typed values may be longer than their stored form ("943 476 5919", " sw1a  1aa"): the
    # service normalises, then validates, as it does for the API.
    nhs_number = ShownAsReadField(
        show=format_identifier,
        label=gettext_lazy("NHS number"),
        max_length=64,
        help_text=gettext_lazy("Spaced or not."),
    )
    postcode = forms.CharField(max_length=32)
    phone = ShownAsReadField(show=format_phone, max_length=32, required=False)
    # Left out of a post (a form from before these existed), each keeps what it was.
    reminder_channel = forms.ChoiceField(
        label=gettext_lazy("reminder channel"), choices=ReminderChannel.choices, required=False
    )
    language = forms.ChoiceField(
        label=gettext_lazy("language"), choices=Language.choices, required=False
    )

    class Meta:
        model = Patient
        fields = EDITABLE_FIELDS

    def clean_reminder_channel(self):
        return self.cleaned_data["reminder_channel"] or self.instance.reminder_channel

    def clean_language(self):
        return self.cleaned_data["language"] or self.instance.language

    def create(self, data):
        return patient_create(**data)

    def update(self, instance, data):
        return patient_update(patient=instance, **data)


class AddressForm(OwnedServiceModelForm):
    service_fields = ADDRESS_FIELDS

    class Meta:
        model = Address
        fields = ADDRESS_FIELDS

    def create(self, data):
        return address_create(owner=self.owner, **data)

    def update(self, instance, data):
        return address_update(address=instance, **data)


class AddressFormSet(ServiceInlineFormSetMixin, BaseGenericInlineFormSet):
    def delete(self, obj):
        address_delete(address=obj)


class AddressInline(GenericTabularInline):
    model = Address
    form = AddressForm
    formset = AddressFormSet
    fields = ADDRESS_FIELDS
    extra = 0


@admin.register(Patient)
class PatientAdmin(
    PatientDataRightsAdminMixin, CSVExportMixin, ServiceAdminMixin, SimpleHistoryAdmin
):
    form = PatientForm
    change_form_template = "admin/patients/patient/change_form.html"
    list_display = ("nhs_number_spaced", "name", "date_of_birth", "postcode", "phone_national")
    list_display_links = ("nhs_number_spaced", "name")
    # The search is patient_search; naming a field here turns the search box on.
    search_fields = ("name_search",)
    search_help_text = gettext_lazy("An NHS number (spaced or not), a postcode, or part of a name.")
    list_per_page = 50
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("nhs_number", "name", "date_of_birth")}),
        ("Contact", {"fields": ("postcode", "phone", "email", "reminder_channel", "language")}),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    inlines = (AddressInline, AppointmentInline)
    # "nhs_number" is the method below: the history page shows it spaced.
    history_list_display = ("nhs_number", "name", "postcode")
    csv_filename = "patients.csv"
    csv_columns = (
        ("nhs_number", lambda p: p.nhs_number),
        ("name", lambda p: p.name),
        ("date_of_birth", lambda p: p.date_of_birth.isoformat()),
        ("postcode", lambda p: p.postcode),
        ("phone", lambda p: p.phone),
        ("email", lambda p: p.email),
        ("registered", lambda p: local_iso(p.created_at)),
    )

    @admin.display(description=gettext_lazy("NHS number"), ordering="nhs_number")
    def nhs_number_spaced(self, patient):
        return format_identifier(patient.nhs_number)

    def nhs_number(self, record):
        return format_identifier(record.nhs_number)

    @admin.display(description=gettext_lazy("Phone"), ordering="phone")
    def phone_national(self, patient):
        return format_phone(patient.phone) if patient.phone else ""

    def get_search_results(self, request, queryset, search_term):
        return patient_search(queryset, search_term), False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # ?highlight=<appointment id>: the appointment just booked stands out in the list.
        try:
            highlight = uuid.UUID(request.GET.get("highlight", ""))
        except ValueError:
            highlight = None
        extra_context = {**(extra_context or {}), "highlight": highlight}
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_through_service(self, obj):
        patient_delete(patient=obj)


@admin.register(Patient.history.model)
class PatientHistoryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every recorded version of every patient: the audit trail. A deleted patient's versions
    are erased with them (``data_rights``); an erasure record says who deleted them."""

    list_display = (
        "history_date_local",
        "history_type",
        "nhs_number_spaced",
        "name",
        "history_user",
        "history_change_reason",
    )
    list_filter = ("history_type",)
    search_fields = ("nhs_number",)
    search_help_text = gettext_lazy("An NHS number, spaced or not.")
    date_hierarchy = None
    list_select_related = ("history_user",)

    @admin.display(description=gettext_lazy("NHS number"), ordering="nhs_number")
    def nhs_number_spaced(self, record):
        return format_identifier(record.nhs_number)

    @admin.display(description=gettext_lazy("When"), ordering="history_date")
    def history_date_local(self, record):
        return local_time(record.history_date)

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.filter(nhs_number=identifier_or_none(search_term) or ""), False
