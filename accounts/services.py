from __future__ import annotations

from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from common import ratelimit
from notifications.services import queue_email

from . import roles
from .lockout import clear_failures
from .models import User

# Sign-up emails one address may receive in an hour (the form answers the same past it).
SIGN_UP_EMAILS_PER_HOUR = 3


def confirm_path(user: User) -> str:
    """The link that finishes a sign-up (dies once used, when the password changes, or after two hours)."""
    return reverse("accounts:confirm_signup", args=[urlsafe_base64_encode(force_bytes(user.pk)),
                                                    default_token_generator.make_token(user)])


@transaction.atomic
def sign_up(*, email: str, full_name: str, password: str, role: str, organisation: str = "") -> None:
    """What the sign-up form does: the same answer whoever owns the address, and an email to it.

    A new address gets an account that waits (inactive) for the emailed link; signing up again
    before that replaces what the first sign-up said (the earlier link stops working). The owner
    of an address that already has an account is told so by email, and nothing else changes:
    the page never says which of the two happened.
    """
    if role not in roles.SELF_SERVICE_ROLES:
        raise ValueError(f"{role!r} is not a role people can give themselves")
    email = email.strip().lower()
    if not ratelimit.hit("signup-email", email, limit=SIGN_UP_EMAILS_PER_HOUR, window_seconds=3600):
        return
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is not None and user.email_confirmed:
        queue_email(user.email, "signup_existing", {"reset_path": reverse("accounts:password_reset")})
        return
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(email=email, password=password, full_name=full_name,
                                                organisation=organisation, is_active=False, email_confirmed=False)
        except IntegrityError:  # signed up at the same moment from elsewhere: that one stands
            return
    else:
        user.full_name, user.organisation = full_name, organisation
        user.set_password(password)
        user.save(update_fields=["full_name", "organisation", "password"])
        user.groups.clear()
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    queue_email(user.email, "signup_confirm", {"confirm_path": confirm_path(user)})


@transaction.atomic
def confirm_sign_up(user: User) -> None:
    """The emailed link was opened: the account is active, and welcomed once."""
    user.is_active = user.email_confirmed = True
    user.save(update_fields=["is_active", "email_confirmed"])
    role = user.groups.values_list("name", flat=True).first() or ""
    queue_email(user.email, "welcome", {"role": role}, idempotency_key=f"welcome:{user.pk}")


def password_was_reset(user: User) -> None:
    """A reset through the emailed link proves the person owns the address: lift any lockout."""
    clear_failures(user.email)


def grant_role(user: User, role: str) -> None:
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    if hasattr(user, "_role_names"):
        del user._role_names
