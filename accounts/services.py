from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from notifications.services import queue_email

from .models import User


@transaction.atomic
def register_user(*, email: str, full_name: str, password: str, role: str, organisation: str = "") -> User:
    """Create an account with one self-service role and queue the welcome email."""
    user = User.objects.create_user(email=email, password=password, full_name=full_name, organisation=organisation)
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    queue_email(user.email, "welcome", {"first_name": user.get_short_name(), "role": role},
                idempotency_key=f"welcome:{user.pk}")
    return user


def grant_role(user: User, role: str) -> None:
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    if hasattr(user, "_role_names"):
        del user._role_names
