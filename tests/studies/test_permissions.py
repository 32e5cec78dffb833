"""Admin permissions of the study roles, applied after migrate."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from accounts.permissions import sync_role_permissions
from studies.permissions import ROLE_PERMISSIONS

pytestmark = pytest.mark.django_db


def perms(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_declared_permissions_are_given_to_the_roles():
    sync_role_permissions()
    for role, wanted in ROLE_PERMISSIONS.items():
        assert set(wanted) <= perms(role), role


def test_study_teams_work_inquiries_and_dcr_staff_do_not():
    sync_role_permissions()
    team, staff = perms(roles.STUDY_TEAM), perms(roles.DCR_STAFF)
    assert {"studies.view_interest", "studies.change_interest", "studies.add_bedbooking"} <= team
    assert "studies.add_study" not in team and "studies.delete_interest" not in team
    assert not any(p.endswith("interest") for p in staff if p.startswith("studies."))
    assert {"studies.add_study", "studies.change_study", "studies.add_condition"} <= staff
