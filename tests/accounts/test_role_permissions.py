"""Roles get their declared admin permissions after every migrate, once per migrate."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from accounts import roles
from accounts.permissions import declared_role_permissions, sync_role_permissions


@pytest.mark.django_db
def test_each_role_holds_what_its_apps_declare():
    for role, perms in declared_role_permissions().items():
        group = Group.objects.get(name=role)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert perms <= held, f"{role} lacks {sorted(perms - held)}"
    assert "consultations.view_consultationrequest" in declared_role_permissions()[roles.DCR_STAFF]


@pytest.mark.django_db
def test_only_the_last_apps_signal_does_the_work(django_assert_num_queries):
    first = apps.get_app_config("accounts")
    with django_assert_num_queries(0):
        sync_role_permissions(sender=first)


@pytest.mark.django_db
def test_a_removed_grant_comes_back_on_the_next_sync():
    group = Group.objects.get(name=roles.DCR_STAFF)
    group.permissions.clear()
    sync_role_permissions()
    assert group.permissions.filter(codename="view_consultationrequest").exists()
