"""The patient identifier: one validator, chosen by the PANDA_PATIENT_IDENTIFIER setting.

The default is the NHS number through ``stdnum.gb.nhs``. Any python-stdnum module with
``compact()`` and ``validate()`` (for example ``stdnum.ie.pps`` or ``stdnum.nl.bsn``) can take its
place without touching the API or the models.
"""

import importlib
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

IDENTIFIER_MAX_LENGTH = 20


@cache
def _module(name: str):
    return importlib.import_module(name)


def identifier_module():
    return _module(settings.PANDA_PATIENT_IDENTIFIER)


# Why a value is refused, as (code, message). The NHS number's codes are stable: frontends switch
# on them. Another market's module gets the generic ones, which name no particular identifier.
NHS_NUMBER_ERRORS = {
    "checksum": (
        "nhs_number_checksum",
        _("This NHS number is not valid: its check digit does not match."),
    ),
    "length": ("nhs_number_length", _("An NHS number has 10 digits.")),
    "format": (
        "nhs_number_format",
        _("An NHS number is 10 digits, optionally spaced as 943 476 5919."),
    ),
}
GENERIC_ERRORS = {
    "checksum": (
        "patient_identifier_checksum",
        _("This patient identifier is not valid: its check digit does not match."),
    ),
    "length": (
        "patient_identifier_length",
        _("This patient identifier has the wrong number of characters."),
    ),
    "format": ("patient_identifier_format", _("This patient identifier is not in a valid format.")),
}
ERRORS_BY_MODULE = {"stdnum.gb.nhs": NHS_NUMBER_ERRORS}


def identifier_error(reason: str) -> ValidationError:
    """The ValidationError for ``reason`` (checksum, length or format) in the current market."""
    code, message = ERRORS_BY_MODULE.get(settings.PANDA_PATIENT_IDENTIFIER, GENERIC_ERRORS)[reason]
    return ValidationError(message, code=code)


def normalise_identifier(value: str) -> str:
    """Return the identifier in its stored, compact form, or raise ValidationError.

    NHS numbers are accepted as "9434765919", "943 476 5919" or "943-476-5919" and stored as
    10 digits; the check digit is verified (check digit 0 is valid, 10 is impossible).
    """
    module = identifier_module()
    try:
        return module.validate(str(value))
    except InvalidChecksum:
        raise identifier_error("checksum") from None
    except InvalidLength:
        raise identifier_error("length") from None
    except StdnumError:
        raise identifier_error("format") from None


def validate_identifier(value: str) -> None:
    """Model-field validator: the stored value must be valid and already compact."""
    if normalise_identifier(value) != value:
        raise identifier_error("format")


def identifier_or_none(value: str) -> str | None:
    """The compact identifier, or None where ``value`` cannot be one (for URL lookups)."""
    try:
        return normalise_identifier(value)
    except ValidationError:
        return None


def identifier_key(value: str) -> str | None:
    """The compact form of ``value``, unchecked, to look a stored identifier up by (None where
    it has none). Every stored identifier was checked when it was stored, so a value that finds
    one is valid, and one that finds none is no patient's whatever its fault: the import looks
    up a batch's patients this way, without the checksum of each (a twentieth of its time)."""
    try:
        return identifier_module().compact(value)
    except StdnumError:
        return None


def format_identifier(value: str) -> str:
    """The identifier as people read it ("943 476 5919"), where its module knows a format."""
    formatter = getattr(identifier_module(), "format", None)
    try:
        return formatter(value) if formatter else value
    except Exception:  # a stored value that its module cannot format is shown as stored
        return value
