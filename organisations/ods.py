"""NHS Organisation Data Service (ODS) codes: coerced into their stored form, or refused.

The rule PANDA applies: an ODS code is 3 to 10 characters, each an upper-case letter A-Z or a digit
0-9 (for example ``RJ1`` for a trust, ``RJ122`` for one of its
sites, ``Y01234`` or ``E84001`` for a GP practice, ``8J834`` for an independent provider). Any case
and surrounding or inner spaces are tolerated on input; the code is stored upper-case, unspaced.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ODS_CODE_RE = re.compile(r"[A-Z0-9]{3,10}")
ODS_CODE_MAX_LENGTH = 10


def _invalid() -> ValidationError:
    return ValidationError(
        _("Enter an ODS code of 3 to 10 letters and digits, for example RJ1 or RRK02."),
        code="ods_code_invalid",
    )


def normalise_ods_code(value: str) -> str:
    """``" rrk 02 "`` -> ``"RRK02"``; anything that is not an ODS code raises ValidationError."""
    compact = re.sub(r"\s+", "", value) if isinstance(value, str) else ""
    # ASCII before upper-casing, or "ß" would become "SS".
    if not compact.isascii() or not ODS_CODE_RE.fullmatch(compact.upper()):
        raise _invalid()
    return compact.upper()


def validate_ods_code(value: str) -> None:
    """Model-field validator: the stored value must already be in its stored form."""
    if not isinstance(value, str) or not ODS_CODE_RE.fullmatch(value):
        raise _invalid()
