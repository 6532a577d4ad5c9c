"""The keyed hash of an NHS number that an erasure record keeps instead of the number, and the
short id of the key that made it, so that a change of key shows in the records."""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def current_key() -> str:
    key = settings.PANDA_ERASURE_KEY
    if not key:
        raise ImproperlyConfigured("PANDA_ERASURE_KEY must be set to erase or check a patient.")
    return key


def known_keys() -> list[str]:
    """The current key, then the older ones (PANDA_ERASURE_OLD_KEYS) that records may still be
    hashed under."""
    return [current_key(), *(key for key in settings.PANDA_ERASURE_OLD_KEYS if key)]


def nhs_number_hmac(nhs_number: str, key: str | None = None) -> str:
    """HMAC-SHA256 of the compact NHS number under ``key`` (PANDA_ERASURE_KEY), in hex.

    NHS numbers are few enough (a billion at most) to be hashed one by one, so a plain hash
    would give every number back; only a holder of the key can compute this one.
    """
    key = current_key() if key is None else key
    return hmac.new(key.encode(), nhs_number.encode(), hashlib.sha256).hexdigest()


def key_id(key: str | None = None) -> str:
    """Eight hex digits that name ``key`` (PANDA_ERASURE_KEY) without giving it away."""
    key = current_key() if key is None else key
    return hmac.new(key.encode(), b"panda-key-id", hashlib.sha256).hexdigest()[:8]
