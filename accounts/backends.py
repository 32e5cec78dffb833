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

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ImproperlyConfigured
from django.db.models import OuterRef, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save

from common.cache import VersionedCache
from common.compiled import CompiledQuery

from . import roles

PERMISSIONS = VersionedCache("accounts:permissions", timeout=300)


def _user_with_roles(pk) -> QuerySet:
    names = ArraySubquery(Group.objects.filter(user=OuterRef("pk")).order_by().values("name"))
    return get_user_model()._default_manager.annotate(loaded_role_names=names).filter(pk=pk)


_USER = CompiledQuery(_user_with_roles, arguments=1)


@functools.cache
def _user_fields() -> list[str]:
    """The user model's fields in the order the query selects them, checked once (the role names follow)."""
    user_model = get_user_model()
    fields = [field.attname for field in user_model._meta.concrete_fields]
    if len(_user_with_roles(0).query.get_compiler(user_model._default_manager.db).get_select()[0]) != len(fields) + 1:
        raise ImproperlyConfigured("the signed-in user's query has an unexpected shape")
    return fields


class CachedPermissionsBackend(ModelBackend):
    def get_user(self, user_id):
        """The signed-in person of a request, with their role names (one query).

        Every signed-in request asks this, so the query's SQL is built once per process (the ORM's
        compiling took more time than the query): the row becomes a user as a queryset would make it."""
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        user_model = get_user_model()
        rows = _USER.rows(user_id)
        if not rows:
            return None
        row = rows[0]
        user = user_model.from_db(user_model._default_manager.db, _user_fields(), row[:-1])
        user.loaded_role_names = row[-1]
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


def forget_on_change(pages, models, uid: str, many_to_many=()) -> None:
    """Connect ``pages.invalidate`` (a ``common.page_cache.PageCache``) to every save and delete of
    ``models``, every change of the ``many_to_many`` fields (their ``through`` models) and every
    change of who holds which role (menus and actions follow roles). A person's sign-in (only
    ``last_login`` saved) changes nothing a page shows."""
    user_model = get_user_model()

    def user_saved(sender, instance, update_fields=None, **kwargs) -> None:
        if not (update_fields and set(update_fields) <= {"last_login"}):
            pages.invalidate()

    pages.user_saved = user_saved  # signals hold weak references: the receiver lives as long as the family
    for model in {*models, user_model}:
        for signal, event in ((post_save, "saved"), (post_delete, "deleted")):
            receiver = user_saved if (model, signal) == (user_model, post_save) else pages.invalidate
            signal.connect(receiver, sender=model, dispatch_uid=f"{uid}.{model._meta.label}.{event}")
    for through in many_to_many:
        m2m_changed.connect(pages.invalidate, sender=through, dispatch_uid=f"{uid}.{through._meta.label}")
    on_role_change(pages.invalidate, uid)
