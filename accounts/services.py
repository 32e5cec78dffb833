from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from common import ratelimit

from notifications.services import queue_email

from . import roles, verification
from .lockout import clear_failures
from .models import User

CONFIRMATION_EMAILS_PER_HOUR = 3


class EmailTaken(Exception):
    """Another account already uses this email address (found at commit time: a race)."""


@transaction.atomic
def register_user(*, email: str, full_name: str, password: str, role: str, organisation: str = "") -> User:
    """Create an account with one self-service role and queue the welcome email."""
    if role not in roles.SELF_SERVICE_ROLES:
        raise ValueError(f"{role!r} is not a role people can give themselves")
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password, full_name=full_name,
                                            organisation=organisation)
    except IntegrityError as error:
        raise EmailTaken(email) from error
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    # One email: the welcome carries the link that confirms the address.
    queue_email(user.email, "welcome", {"role": role, "verify_path": verification.verification_path(user)},
                idempotency_key=f"welcome:{user.pk}")
    return user


@transaction.atomic
def send_email_confirmation(user: User) -> None:
    """Email a fresh confirmation link (a few an hour at most, so an inbox is never flooded)."""
    if user.email_verified_at:
        raise ValidationError("Your email address is already confirmed.", code="already_verified")
    if not ratelimit.hit("verify-email", user.email, limit=CONFIRMATION_EMAILS_PER_HOUR, window_seconds=3600):
        raise ValidationError("We sent several confirmation links in the last hour. Please use the latest one, "
                              "or ask again in an hour.", code="too_many")
    queue_email(user.email, "verify_email", {"verify_path": verification.verification_path(user)})


@transaction.atomic
def confirm_email(token: str) -> User:
    """Mark the address of the token's account as confirmed; ``email_verified`` tells the apps.

    Raises ``ValidationError`` for a token that is forged, older than a week, or for an address
    the account no longer has.
    """
    found = verification.read_token(token)
    user = User.objects.select_for_update().filter(pk=found[0], is_active=True).first() if found else None
    if user is None or not verification.matches(user, found[1]):
        raise ValidationError(verification.BAD_LINK, code="bad_link")
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user._history_user = user
        user.save(update_fields=["email_verified_at"])
    verification.email_verified.send(sender=User, user=user)
    return user


def password_was_reset(user: User) -> None:
    """A reset through the emailed link proves the person owns the address: lift any lockout."""
    clear_failures(user.email)


def grant_role(user: User, role: str) -> None:
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    if hasattr(user, "_role_names"):
        del user._role_names
