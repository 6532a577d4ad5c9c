"""Appointment list filters; the derived status is filtered in SQL."""

import django_filters

from panda_project.api.filters import (
    AwareDateTimeFilter,
    TextFilter,
    normalised_or_error,
)
from patients.identifiers import normalise_identifier

from .models import Appointment, Status


class AppointmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=Status.choices, method="filter_status", help_text="Including the derived 'missed'."
    )
    patient = TextFilter(method="filter_patient", help_text="The patient's NHS number.")
    starts_after = AwareDateTimeFilter(
        field_name="starts_at", lookup_expr="gte", help_text="Starts at or after (with an offset)."
    )
    starts_before = AwareDateTimeFilter(
        field_name="starts_at", lookup_expr="lt", help_text="Starts before (with an offset)."
    )

    class Meta:
        model = Appointment
        fields = [
            "status",
            "patient",
            "clinician",
            "department",
            "site",
            "starts_after",
            "starts_before",
        ]

    def filter_status(self, queryset, name, value):
        return queryset.with_status(value)

    def filter_patient(self, queryset, name, value):
        nhs_number = normalised_or_error(normalise_identifier, value, name)
        return queryset.filter(patient__nhs_number=nhs_number)
