"""Patient list filters."""

import django_filters
from django.db import connections

from addresses.postcodes import normalise_postcode
from panda_project.api.filters import TextFilter, normalised_or_error

from .identifiers import normalise_identifier
from .models import Patient
from .names import name_search_key
from .search import name_search_contains


class PatientFilter(django_filters.FilterSet):
    name = TextFilter(
        method="filter_name",
        help_text="Part of the name, case- and accent-insensitive: 'sian' finds 'Siân'.",
    )
    nhs_number = TextFilter(method="filter_nhs_number", help_text="An NHS number, spaced or not.")
    postcode = TextFilter(
        method="filter_postcode", help_text="A full UK postcode, any case or spacing."
    )
    date_of_birth = django_filters.DateFilter()

    class Meta:
        model = Patient
        fields = ["name", "nhs_number", "postcode", "date_of_birth"]

    def filter_name(self, queryset, name, value):
        key = name_search_key(value)
        if not key:
            return queryset
        return queryset.filter(name_search_contains(key, connections[queryset.db].vendor))

    def filter_nhs_number(self, queryset, name, value):
        return queryset.filter(nhs_number=normalised_or_error(normalise_identifier, value, name))

    def filter_postcode(self, queryset, name, value):
        return queryset.filter(postcode=normalised_or_error(normalise_postcode, value, name))
