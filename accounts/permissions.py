"""Model permissions of each role, kept in code and applied after every ``migrate``.

An app that needs its staff roles to use Django admin declares, in ``<app>/permissions.py``::

    ROLE_PERMISSIONS = {"DCR staff": ["consultations.view_consultationrequest", ...]}

Object-level limits (a centre's staff see only their centre) live in the admin querysets.
"""

from __future__ import annotations

import importlib

from django.apps import apps as global_apps


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


def sync_role_permissions(**kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    for role, perms in declared_role_permissions().items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".", 1)
            wanted.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.add(*wanted)
