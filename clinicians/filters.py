"""Clinician and department list filters."""

import django_filters
from django.utils import timezone

from panda_project.api.filters import IdFilter, TextFilter, normalised_or_error

from .models import Clinician, Department, Membership
from .registrations import normalise_registration_number


class ClinicianFilter(django_filters.FilterSet):
    registration_number = TextFilter(
        method="filter_registration_number", help_text="A registration number, any case."
    )
    organisation = IdFilter(
        method="filter_current", help_text="Working for this organisation (id) today."
    )
    site = IdFilter(method="filter_current", help_text="Working at this site (id) today.")

    class Meta:
        model = Clinician
        fields = ["name", "registration_number", "organisation", "site"]

    def filter_registration_number(self, queryset, name, value):
        number = normalised_or_error(normalise_registration_number, value, name)
        return queryset.filter(registration_number=number)

    def filter_current(self, queryset, name, value):
        current = Membership.objects.current_on(timezone.localdate()).filter(
            **{f"{name}_id": value}
        )
        return queryset.filter(pk__in=current.values("clinician_id"))


class DepartmentFilter(django_filters.FilterSet):
    class Meta:
        model = Department
        fields = ["name", "organisation"]
