"""Counts of people as a researcher may see them: small cells hidden, the rest with a fixed offset.

A count is shown as its true value plus an offset of at most ``SPREAD`` either way. The offset
is drawn from an HMAC, keyed with a server secret, of *which people* were counted (a
fingerprint of the set, computed in SQL with the count), not of how the question was worded:
the same people always get the same offset, so asking again, or asking the same thing in other
words, shows the same number and averaging learns nothing; two sets that differ by one person
get unrelated offsets, so subtracting two answers does not reveal that person. Any count below
``THRESHOLD`` (zero included) and any count whose shown value would fall below it is shown as
"fewer than 11", so narrowing a question one criterion at a time finds no exact edge.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

THRESHOLD = 11
SPREAD = 3
FEWER_TEXT = f"fewer than {THRESHOLD}"
_PURPOSE = b"dcr-portal count offsets v1"


def _key() -> bytes:
    secret = getattr(settings, "COUNT_NOISE_KEY", "") or settings.SECRET_KEY
    return hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()


def offset(kind: str, count: int, fingerprint: int) -> int:
    """A whole number in [-SPREAD, SPREAD], the same for the same kind of count of the same set."""
    digest = hmac.new(_key(), f"{kind}|{count}|{fingerprint}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") % (2 * SPREAD + 1) - SPREAD


def protected(kind: str, count: int, fingerprint: int) -> int | None:
    """The count to show, or None where it must read "fewer than 11"."""
    if count < THRESHOLD:
        return None
    shown = count + offset(kind, count, fingerprint)
    return shown if shown >= THRESHOLD else None


def text(value: int | None) -> str:
    return FEWER_TEXT if value is None else f"{value:,}"
