"""Telephone numbers: validated with libphonenumber and stored in E.164 (+442079460958)."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def _invalid() -> ValidationError:
    return ValidationError(
        _("Enter a valid telephone number, for example 020 7946 0958 or +44 20 7946 0958."),
        code="phone_invalid",
    )


def normalise_phone(value: str) -> str:
    """UK numbers may be written nationally; others need their +country code."""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        raise _invalid() from None
    if not phonenumbers.is_valid_number(number):
        raise _invalid()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value: str) -> None:
    if value and normalise_phone(value) != value:
        raise _invalid()


def format_phone(value: str) -> str:
    """A stored number as people read it: UK numbers (+44, the Crown Dependencies too)
    nationally ("020 7946 0958"), others internationally ("+33 1 42 68 53 00"); anything
    unparseable as stored."""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        return value
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
