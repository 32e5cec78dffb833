"""Keys derived from the one field-encryption secret, and sealed values (Fernet) for each use.

``settings.FIELD_ENCRYPTION_KEY`` is the only secret configured for protected data; each use
(the MRN at rest, its blind index, pages with contact details kept in the cache) derives its
own key from it with HKDF, so no two uses share a key.
"""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def secret() -> bytes:
    key = settings.FIELD_ENCRYPTION_KEY
    if not key:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY (DCR_FIELD_ENCRYPTION_KEY) is not set")
    try:
        raw = base64.urlsafe_b64decode(key.encode())
    except (binascii.Error, ValueError):
        raw = b""
    return raw if len(raw) >= 16 else key.encode()


@lru_cache(maxsize=16)
def derive(secret: bytes, purpose: bytes) -> bytes:
    """32 bytes for ``purpose``, from ``secret``."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"dcr-portal", info=purpose).derive(secret)


def fernet(purpose: bytes) -> Fernet:
    """The Fernet of ``purpose`` under the configured secret."""
    return _fernet(secret(), purpose)


@lru_cache(maxsize=16)
def _fernet(secret: bytes, purpose: bytes) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(derive(secret, purpose)))
