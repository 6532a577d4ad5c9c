"""Filter pieces shared by the API's filter sets."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError

from panda_project.timestamps import parse_aware_datetime
from panda_project.validators import reject_control_characters


class AwareDateTimeFormField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        return parse_aware_datetime(value) if value else None


class AwareDateTimeFilter(django_filters.Filter):
    """A timestamp filter that, like the rest of the API, refuses naive timestamps."""

    field_class = AwareDateTimeFormField


class TextFilter(django_filters.CharFilter):
    """A text filter that refuses control characters (PostgreSQL cannot even compare NUL)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [reject_control_characters])
        super().__init__(*args, **kwargs)


def normalised_or_error(normalise, value: str, field: str):
    """A normaliser's result; its ValidationError is reported against the query parameter."""
    try:
        return normalise(value)
    except ValidationError as error:
        raise ValidationError({field: error.error_list}) from None
