"""Model permissions of each role, kept in code and applied after every ``migrate``.

An app that needs its staff roles to use Django admin declares, in ``<app>/permissions.py``::

    ROLE_PERMISSIONS = {roles.DCR_STAFF: ["consultations.view_consultationrequest", ...]}

Object-level limits (a centre's staff see only their centre) live in the admin querysets.
"""

from __future__ import annotations

import importlib

from django.apps import apps as global_apps
from django.db.models import Q


def declared_role_permissions() -> dict[str, set[str]]:
    declared: dict[str, set[str]] = {}
    for config in global_apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.permissions")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.permissions":
                raise
            continue
        for role, perms in getattr(module, "ROLE_PERMISSIONS", {}).items():
            declared.setdefault(role, set()).update(perms)
    return declared


def sync_role_permissions(sender=None, using="default", **kwargs) -> None:
    """Give each role its declared permissions.

    ``post_migrate`` is sent once per app; this acts only on the last app's signal, when
    every app's permissions exist, so one ``migrate`` (or test-database flush) runs it once.
    """
    # Django sends post_migrate for apps with a models module only.
    last = [config for config in global_apps.get_app_configs() if config.models_module is not None][-1]
    if sender is not None and sender is not last:
        return
    from django.contrib.auth.models import Group, Permission

    for role, perms in declared_role_permissions().items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = Q(pk__in=[])
        for perm in perms:
            app_label, codename = perm.split(".", 1)
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.add(*Permission.objects.using(using).filter(wanted))
