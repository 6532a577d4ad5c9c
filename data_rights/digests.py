"""The keyed hash of an NHS number that an erasure record keeps instead of the number."""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def nhs_number_hmac(nhs_number: str) -> str:
    """HMAC-SHA256 of the compact NHS number under PANDA_ERASURE_KEY, in hex.

    NHS numbers are few enough (a billion at most) to be hashed one by one, so a plain hash
    would give every number back; only a holder of the key can compute this one.
    """
    key = settings.PANDA_ERASURE_KEY
    if not key:
        raise ImproperlyConfigured("PANDA_ERASURE_KEY must be set to erase or check a patient.")
    return hmac.new(key.encode(), nhs_number.encode(), hashlib.sha256).hexdigest()
