"""Professional registration numbers (GMC, NMC, HCPC, GPhC and the like).

Regulators write them differently (GMC ``1234567``, NMC ``12A3456E``, HCPC ``PA12345``), so PANDA
checks only their shape: 4 to 20 letters and digits, stored upper-case without spaces or hyphens.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REGISTRATION_NUMBER_RE = re.compile(r"[A-Z0-9]{4,20}")
REGISTRATION_NUMBER_MAX_LENGTH = 20


def _invalid() -> ValidationError:
    return ValidationError(
        _("Enter a registration number of 4 to 20 letters and digits, for example 1234567."),
        code="registration_number_invalid",
    )


def normalise_registration_number(value: str) -> str:
    """``"pa-12345"`` -> ``"PA12345"``; anything else raises ValidationError."""
    compact = re.sub(r"[\s-]+", "", value) if isinstance(value, str) else ""
    # ASCII before upper-casing, or "ß" would become "SS".
    if not compact.isascii() or not REGISTRATION_NUMBER_RE.fullmatch(compact.upper()):
        raise _invalid()
    return compact.upper()


def validate_registration_number(value: str) -> None:
    if not isinstance(value, str) or not REGISTRATION_NUMBER_RE.fullmatch(value):
        raise _invalid()
