"""Validators shared by every app."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def reject_control_characters(value: str) -> None:
    """Refuse NUL bytes and other control characters, which no text field of PANDA may hold.

    PostgreSQL cannot store NUL at all, and the others are invisible in the admin and in exports.
    """
    if isinstance(value, str) and any(unicodedata.category(char) == "Cc" for char in value):
        raise ValidationError(
            _("This field may not contain control characters."), code="control_characters"
        )
