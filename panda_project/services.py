"""Helpers that the apps' services share."""

from collections.abc import Callable, Mapping

from django.core.exceptions import ValidationError


def normalise_fields(values: dict, normalisers: Mapping[str, Callable[[str], str]]) -> dict:
    """Apply each field's normaliser to the values present, collecting every error by field."""
    cleaned, errors = dict(values), {}
    for field, normalise in normalisers.items():
        value = cleaned.get(field)
        if isinstance(value, str) and value != "":
            try:
                cleaned[field] = normalise(value)
            except ValidationError as error:
                errors[field] = error.error_list
    if errors:
        raise ValidationError(errors)
    return cleaned
