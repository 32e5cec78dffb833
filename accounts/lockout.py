"""Sign-in lockout: django-axes per account (whatever case the email was typed in) and address,
and a limit of failed sign-ins per client address across accounts."""

from __future__ import annotations

from axes.utils import reset
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from common import ratelimit


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


# --- Failed sign-ins per client address, across accounts (password spraying) ---------------
# The lockout above counts per account and address: one address trying one password on many
# accounts never trips it. This counts every failed sign-in from a client address (as the
# trusted proxies saw it) whatever the account; past the limit that address may not try again
# until the window ends, right passwords included. A ward or an office behind one address
# shares the count, so the limit is well above what people mistyping passwords reach.
FAILURES_SCOPE = "signin-failures-address"
TOO_MANY_FROM_ADDRESS = _("Too many failed sign-ins came from your network in the last few minutes, so sign-in "
                          "from it is paused for up to 15 minutes. Please try again later; your password was "
                          "not checked.")


def address_is_paused(request) -> bool:
    return request is not None and ratelimit.is_limited(FAILURES_SCOPE, ratelimit.client_ip(request),
                                                        limit=settings.SIGNIN_FAILURES_PER_ADDRESS)


class FailuresPerAddressBackend:
    """First check of every sign-in (after the lockout's): refuse it while the address is paused."""

    def authenticate(self, request, **credentials):
        if address_is_paused(request):
            request.signin_paused_for_address = True  # the sign-in form says why
            raise PermissionDenied("too many failed sign-ins from this address")
        return None  # no get_user: it never signs anyone in (and force_login skips it)


@receiver(user_login_failed, dispatch_uid="accounts.lockout.count_failure_per_address")
def _count_failure_per_address(sender, credentials, request=None, **kwargs):
    if request is not None:
        ratelimit.count(FAILURES_SCOPE, ratelimit.client_ip(request),
                        window_seconds=settings.SIGNIN_FAILURES_WINDOW_SECONDS)
