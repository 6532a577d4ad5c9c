"""UK postcodes: coerced into the standard format, or refused."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The outward code takes one of six shapes (A9, A99, A9A, AA9, AA99, AA9A); the inward code is 9AA.
POSTCODE_RE = re.compile(
    r"^(?P<outward>[A-Z][0-9]{1,2}|[A-Z][0-9][A-Z]|[A-Z]{2}[0-9]{1,2}|[A-Z]{2}[0-9][A-Z])"
    r"(?P<inward>[0-9][A-Z]{2})$"
)
POSTCODE_MAX_LENGTH = 8


def normalise_postcode(value: str) -> str:
    """Return ``value`` as a standard UK postcode ("sw1a1aa" -> "SW1A 1AA").

    Any spacing and case is tolerated; anything that is not a UK postcode raises ValidationError.
    """
    compact = re.sub(r"\s+", "", value or "").upper()
    match = POSTCODE_RE.match(compact)
    if not match:
        raise ValidationError(
            _("Enter a valid UK postcode, for example SW1A 1AA."), code="postcode_invalid"
        )
    return f"{match['outward']} {match['inward']}"


def validate_postcode(value: str) -> None:
    """Model-field validator: the stored value must already be in the standard format."""
    if normalise_postcode(value) != value:
        raise ValidationError(
            _("Enter a valid UK postcode, for example SW1A 1AA."), code="postcode_invalid"
        )


def postcode_or_none(value: str) -> str | None:
    """The postcode in its stored form, or None where ``value`` cannot be one (for searches)."""
    try:
        return normalise_postcode(value)
    except ValidationError:
        return None
