"""Validators shared by every app."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): invisible,
# they make the text after them display in another order ("Trojan Source"), so that a name can
# look like someone else's in the back office. The marks U+200E and U+200F stay allowed.
BIDI_CONTROLS = frozenset(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))


def reject_control_characters(value: str) -> None:
    """Refuse NUL bytes, other control characters and the bidirectional controls, which no text
    field of PANDA may hold.

    PostgreSQL cannot store NUL at all, and the others are invisible in the admin and in exports.
    """
    if isinstance(value, str) and any(
        unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS for char in value
    ):
        raise ValidationError(
            _("This field may not contain control characters."), code="control_characters"
        )
