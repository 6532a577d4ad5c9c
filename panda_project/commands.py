"""What PANDA's management commands share: they speak the operator's language."""

import functools
import os

from django.conf import settings
from django.utils import translation

# Where a shell says which language its user reads, most specific first (as GNU gettext reads them).
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def operator_language() -> str:
    """The shipped language nearest the shell's locale (LANG=cy_GB.UTF-8 gives "cy"), else the
    default, English."""
    for variable in LOCALE_VARIABLES:
        for candidate in os.environ.get(variable, "").split(":"):  # LANGUAGE may list several
            tag = candidate.split(".")[0].split("@")[0].replace("_", "-").lower()
            if tag in ("", "c", "posix"):
                continue
            try:
                return translation.get_supported_language_variant(tag)
            except LookupError:
                continue
    return settings.LANGUAGE_CODE


def in_operator_language(handle):
    """Decorates a command's ``handle()``: its messages are in the operator's language."""

    @functools.wraps(handle)
    def wrapper(*args, **kwargs):
        with translation.override(operator_language()):
            return handle(*args, **kwargs)

    return wrapper
