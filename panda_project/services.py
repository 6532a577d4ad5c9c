"""Helpers that the apps' services share."""

from collections.abc import Callable, Mapping

from django.core.exceptions import ValidationError


def apply_changes(instance, changes: dict, allowed: tuple[str, ...], name: str) -> None:
    """Set ``changes`` on ``instance``; a field outside ``allowed`` is a programming error."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"{name}() got unexpected fields {sorted(unknown)}")
    for field, value in changes.items():
        setattr(instance, field, value)


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
