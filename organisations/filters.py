"""Organisation and site list filters."""

import django_filters
from django.db.models.functions import Lower

from panda_project.api.filters import TextFilter, normalised_or_error

from .models import Organisation, Site
from .ods import normalise_ods_code


def filter_name(queryset, name, value):
    """Case-insensitive on every database (``icontains`` is not, under MariaDB's binary
    collation)."""
    return queryset.alias(name_lower=Lower("name")).filter(name_lower__contains=value.lower())


class OrganisationFilter(django_filters.FilterSet):
    name = TextFilter(method="filter_name", help_text="Part of the name, any case.")
    ods_code = TextFilter(method="filter_ods_code", help_text="An ODS code, any case.")

    class Meta:
        model = Organisation
        fields = ["name", "ods_code"]

    filter_name = staticmethod(filter_name)

    def filter_ods_code(self, queryset, name, value):
        return queryset.filter(ods_code=normalised_or_error(normalise_ods_code, value, name))


class SiteFilter(django_filters.FilterSet):
    name = TextFilter(method="filter_name", help_text="Part of the name, any case.")

    class Meta:
        model = Site
        fields = ["name", "organisation"]

    filter_name = staticmethod(filter_name)
