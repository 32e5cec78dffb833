"""Sign-in and permissions: Django's ModelBackend, with each person's permissions kept in the cache,
and each request's user read with their role names in one query.

Every admin page asks for the signed-in person's permissions, which Django reads with two
queries per request (their own, and their roles'). ``PERMISSIONS`` keeps the set per person
for five minutes; any change of who holds which role or what a role may do (``connect``) makes
every kept set out of date at once, so a role taken away counts on the very next request.
Whether the account is active is read from the user row itself on every request, as before; the
person's role names come in the same query (an array subquery), so the role checks of a page
(menus, decorators, the second step) ask the database nothing more.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.db.models.signals import m2m_changed, post_delete, post_save

from common.cache import VersionedCache

from . import roles

PERMISSIONS = VersionedCache("accounts:permissions", timeout=300)


class CachedPermissionsBackend(ModelBackend):
    def get_user(self, user_id):
        """The signed-in person of a request, with their role names (one query)."""
        names = ArraySubquery(Group.objects.filter(user=OuterRef("pk")).order_by().values("name"))
        user_model = get_user_model()
        try:
            user = user_model._default_manager.annotate(loaded_role_names=names).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        roles.remember(user, user.loaded_role_names)
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            # A superuser holds every permission: the flag is part of the key.
            key = PERMISSIONS.key(user_obj.pk, user_obj.is_superuser)
            permissions, version = PERMISSIONS.read(key)
            if permissions is None:
                permissions = frozenset(super().get_all_permissions(user_obj))
                PERMISSIONS.write(key, version, permissions)
            user_obj._perm_cache = set(permissions)
        return user_obj._perm_cache


def on_role_change(receiver, uid: str) -> None:
    """Connect ``receiver`` to every change of who holds which role or permission, and of what a
    role may do (``uid`` prefixes the dispatch ids)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    user_model = get_user_model()
    for model in (Group, Permission):  # deleting either takes rows of the tables below without a signal
        for signal, event in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(receiver, sender=model, dispatch_uid=f"{uid}.{model.__name__}.{event}")
    for through in (user_model.groups.through, user_model.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(receiver, sender=through, dispatch_uid=f"{uid}.{through.__name__}")


def connect() -> None:
    on_role_change(PERMISSIONS.invalidate, "accounts.permissions")
