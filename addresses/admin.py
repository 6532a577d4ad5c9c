"""Addresses are added and edited on their patient's page; this list finds them by postcode or
town and shows each one's history."""

from django.contrib import admin
from django.db.models import Q
from simple_history.admin import SimpleHistoryAdmin

from backoffice.admin_tools import ServiceAdminMixin
from backoffice.forms import ServiceModelForm

from .models import Address
from .postcodes import postcode_or_none
from .services import EDITABLE_FIELDS, address_delete, address_update


class AddressForm(ServiceModelForm):
    service_fields = EDITABLE_FIELDS

    class Meta:
        model = Address
        fields = EDITABLE_FIELDS

    def update(self, instance, data):
        return address_update(address=instance, **data)


@admin.register(Address)
class AddressAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    form = AddressForm
    list_display = ("line1", "town", "postcode", "owner")
    search_fields = ("town",)
    search_help_text = "A postcode (any case or spacing) or a town."
    fields = EDITABLE_FIELDS
    history_list_display = ("line1", "town", "postcode")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("owner")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        matches = Q(town__icontains=term)
        postcode = postcode_or_none(term)
        if postcode is not None:
            matches |= Q(postcode=postcode)
        return queryset.filter(matches), False

    def has_add_permission(self, request):
        return False  # an address belongs to someone: add it on their page

    def delete_through_service(self, obj):
        address_delete(address=obj)
