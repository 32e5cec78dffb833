"""Encryption at rest of the MRN, and its blind index.

The MRN is stored only as a Fernet token (``mrn_encrypted``) plus an HMAC-SHA256 digest
(``mrn_hash``) that lets the database find a participant by MRN and refuse duplicates
without ever holding the plaintext. Both keys are derived from ``settings.FIELD_ENCRYPTION_KEY``
(``common.sealing``), so one secret is configured and the two uses never share a key.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import ImproperlyConfigured, ValidationError

from common import sealing

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


def _keys() -> tuple[Fernet, bytes]:
    return sealing.fernet(b"biobank mrn encryption"), sealing.derive(sealing.secret(), b"biobank mrn blind index")


def encrypt_mrn(mrn: str) -> str:
    fernet, _ = _keys()
    return fernet.encrypt(normalize_mrn(mrn).encode()).decode()


def decrypt_mrn(token: str) -> str:
    fernet, _ = _keys()
    try:
        return fernet.decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured("An MRN cannot be decrypted with the configured FIELD_ENCRYPTION_KEY") from error


def mrn_digest(mrn: str) -> str:
    """The blind index of an MRN: equal MRNs give equal digests, the digest gives nothing back."""
    _, index_key = _keys()
    return hmac.new(index_key, normalize_mrn(mrn).encode(), hashlib.sha256).hexdigest()
