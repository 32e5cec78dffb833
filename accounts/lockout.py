"""Sign-in lockout (django-axes) keyed on the account, whatever case the email was typed in."""

from __future__ import annotations

from axes.utils import reset


def lockout_username(request, credentials: dict | None = None) -> str:
    """The email the lockout counts failures against: trimmed and lower-cased, as stored.

    Without this, "Ann@Example.org" and "ann@example.org" would each get their own five tries.
    """
    if credentials:
        value = credentials.get("username") or credentials.get("email") or ""
    else:
        data = getattr(request, "data", None) or request.POST
        value = data.get("username", "")
    return str(value).strip().lower()


def clear_failures(email: str) -> int:
    """Forget the failed sign-ins of an account (after it proved ownership of its email)."""
    return reset(username=email.strip().lower())
