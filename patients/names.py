"""Names are kept exactly as the person writes them; only a search key is derived."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NAME_MAX_LENGTH = 300

# Apostrophes of every kind join a name's parts ("O'Brien" is found by "obrien").
_JOINERS = frozenset("'’‘`ʼ")


def clean_name(value: str) -> str:
    """Unicode NFC with the outer whitespace trimmed; never re-cased or ASCII-folded."""
    name = unicodedata.normalize("NFC", value).strip()
    if not name:
        raise ValidationError(_("A name is required."), code="name_blank")
    return name


def name_search_key(value: str) -> str:
    """A case- and accent-insensitive key: "Siân O'Brien-McKenzie" -> "sian obrien mckenzie".

    Stored beside the name and applied to search terms, so that search behaves the same on
    SQLite, PostgreSQL and MariaDB, whatever their collations.
    """
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    kept = []
    for char in decomposed:
        category = unicodedata.category(char)
        if category == "Mn" or char in _JOINERS:
            continue  # accents, and apostrophes inside a name
        # Letters, digits and spacing marks (as in Devanagari) stay; all else separates words.
        kept.append(char if category[0] in "LMN" else " ")
    return " ".join("".join(kept).split())
