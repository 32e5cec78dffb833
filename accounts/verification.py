"""Proof that a person owns their account's email address: a signed, week-long link.

The link carries the account id and a digest of the address (never the address itself), so a
link sent to an old address stops working when the address changes. Confirming it sets
``User.email_verified_at`` and sends ``email_verified``; apps that keep records under an
address (e.g. "I'm interested" inquiries) give them to the account only then.
"""

from __future__ import annotations

import hashlib

from django.core import signing
from django.dispatch import Signal
from django.urls import reverse

SALT = "accounts.verify-email"
LINK_DAYS = 7
BAD_LINK = ("This confirmation link is out of date or was not copied in full. Sign in and ask for a new one "
            "on “My account”.")

# Sent with ``user`` once a person confirmed their address (inside the confirming transaction).
email_verified = Signal()


def _digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]


def make_token(user) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object({"u": user.pk, "e": _digest(user.email)})


def verification_path(user) -> str:
    return reverse("accounts:verify_email", args=[make_token(user)])


def read_token(token: str) -> tuple[int, str] | None:
    """(account id, address digest) of a valid, recent token; None otherwise."""
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=LINK_DAYS * 24 * 3600)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("e"), str):
        return None
    return data["u"], data["e"]


def matches(user, digest: str) -> bool:
    return _digest(user.email) == digest
