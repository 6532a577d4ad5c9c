"""Helpers that the apps' services share."""

from collections.abc import Callable, Mapping

from django.core.exceptions import ValidationError
from django.db import models


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


def lock_owner(model: type[models.Model], pk) -> None:
    """Lock the row that a write hangs off (a patient under their address or appointment) until
    the transaction ends: a deletion of it, which locks it too, then either waits for the write
    and takes its data along, or goes first and the write finds the row gone. Gone is the owner
    model's DoesNotExist (the API's 404 not_found, the back office's "deleted meanwhile")."""
    locked = model._default_manager.select_for_update().filter(pk=pk)
    if pk is None or locked.values_list("pk", flat=True).first() is None:
        raise model.DoesNotExist(f"{model._meta.object_name} {pk} no longer exists.")
