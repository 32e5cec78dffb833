from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from notifications.services import queue_email

from . import roles
from .lockout import clear_failures
from .models import User


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
    queue_email(user.email, "welcome", {"role": role},
                idempotency_key=f"welcome:{user.pk}")
    return user


def password_was_reset(user: User) -> None:
    """A reset through the emailed link proves the person owns the address: lift any lockout."""
    clear_failures(user.email)


def grant_role(user: User, role: str) -> None:
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    if hasattr(user, "_role_names"):
        del user._role_names
