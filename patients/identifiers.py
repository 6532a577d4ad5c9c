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


def normalise_identifier(value: str) -> str:
    """Return the identifier in its stored, compact form, or raise ValidationError.

    NHS numbers are accepted as "9434765919", "943 476 5919" or "943-476-5919" and stored as
    10 digits; the check digit is verified (check digit 0 is valid, 10 is impossible).
    """
    module = identifier_module()
    try:
        return module.validate(str(value))
    except InvalidChecksum:
        raise ValidationError(
            _("This NHS number is not valid: its check digit does not match."),
            code="nhs_number_checksum",
        ) from None
    except InvalidLength:
        raise ValidationError(_("An NHS number has 10 digits."), code="nhs_number_length") from None
    except StdnumError:
        raise ValidationError(
            _("An NHS number is 10 digits, optionally spaced as 943 476 5919."),
            code="nhs_number_format",
        ) from None


def validate_identifier(value: str) -> None:
    """Model-field validator: the stored value must be valid and already compact."""
    if normalise_identifier(value) != value:
        raise ValidationError(
            _("An NHS number is 10 digits, optionally spaced as 943 476 5919."),
            code="nhs_number_format",
        )


def identifier_or_none(value: str) -> str | None:
    """The compact identifier, or None where ``value`` cannot be one (for URL lookups)."""
    try:
        return normalise_identifier(value)
    except ValidationError:
        return None
