"""Encryption at rest of the MRN, and its blind index.

The MRN is stored only as a Fernet token (``mrn_encrypted``) plus an HMAC-SHA256 digest
(``mrn_hash``) that lets the database find a participant by MRN and refuse duplicates
without ever holding the plaintext. Both keys are derived, with HKDF, from
``settings.FIELD_ENCRYPTION_KEY``, so one secret is configured and the two uses never
share a key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError

# Record systems differ: some MRNs are short numbers, some are UUIDs (32 hex digits once the dashes go).
MRN_PATTERN = re.compile(r"^[A-Z0-9]{4,64}$")
MRN_HELP = "4 to 64 letters and digits (spaces and dashes are ignored), as in the health record."


def normalize_mrn(value: str) -> str:
    """Upper-case, without spaces or dashes, so that one MRN has one spelling."""
    return re.sub(r"[\s-]", "", value or "").upper()


def validate_mrn(value: str) -> str:
    """The normalised MRN, or a ValidationError whose message never repeats the value."""
    mrn = normalize_mrn(value)
    if not MRN_PATTERN.match(mrn):
        raise ValidationError(f"Enter a valid MRN: {MRN_HELP}", code="invalid_mrn")
    return mrn


def _secret() -> bytes:
    key = settings.FIELD_ENCRYPTION_KEY
    if not key:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY (DCR_FIELD_ENCRYPTION_KEY) is not set")
    try:
        raw = base64.urlsafe_b64decode(key.encode())
    except (binascii.Error, ValueError):
        raw = b""
    return raw if len(raw) >= 16 else key.encode()


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"dcr-portal", info=purpose).derive(secret)


@lru_cache(maxsize=4)
def _keys(secret: bytes) -> tuple[Fernet, bytes]:
    fernet = Fernet(base64.urlsafe_b64encode(_derive(secret, b"biobank mrn encryption")))
    return fernet, _derive(secret, b"biobank mrn blind index")


def encrypt_mrn(mrn: str) -> str:
    fernet, _ = _keys(_secret())
    return fernet.encrypt(normalize_mrn(mrn).encode()).decode()


def decrypt_mrn(token: str) -> str:
    fernet, _ = _keys(_secret())
    try:
        return fernet.decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured("An MRN cannot be decrypted with the configured FIELD_ENCRYPTION_KEY") from error


def mrn_digest(mrn: str) -> str:
    """The blind index of an MRN: equal MRNs give equal digests, the digest gives nothing back."""
    _, index_key = _keys(_secret())
    return hmac.new(index_key, normalize_mrn(mrn).encode(), hashlib.sha256).hexdigest()
