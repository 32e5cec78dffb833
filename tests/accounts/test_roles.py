"""Roles are Groups named in accounts.roles; superusers hold every role."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.test import RequestFactory

from accounts import roles
from accounts.context_processors import roles as roles_context
from accounts.services import grant_role
from tests.factories import UserFactory


@pytest.mark.django_db
def test_every_role_exists_as_a_group():
    assert set(roles.ALL_ROLES) <= set(Group.objects.values_list("name", flat=True))


def test_self_service_and_staff_roles_split_all_roles():
    assert set(roles.SELF_SERVICE_ROLES) | set(roles.STAFF_ROLES) == set(roles.ALL_ROLES)
    assert not set(roles.SELF_SERVICE_ROLES) & set(roles.STAFF_ROLES)


@pytest.mark.django_db
def test_has_role_is_true_only_for_held_roles(researcher):
    assert roles.has_role(researcher, roles.RESEARCHER)
    assert roles.has_role(researcher, roles.PATIENT, roles.RESEARCHER)
    assert not roles.has_role(researcher, roles.PATIENT)
    assert not roles.has_role(researcher, roles.DCR_STAFF)


@pytest.mark.django_db
def test_a_person_may_hold_several_roles():
    person = UserFactory(roles=[roles.PATIENT, roles.RESEARCHER])
    assert roles.role_names(person) == frozenset({roles.PATIENT, roles.RESEARCHER})
    assert roles.has_role(person, roles.PATIENT) and roles.has_role(person, roles.RESEARCHER)


@pytest.mark.django_db
def test_a_superuser_holds_every_role(superuser):
    for role in roles.ALL_ROLES:
        assert roles.has_role(superuser, role)


def test_an_anonymous_visitor_holds_no_role():
    assert roles.role_names(AnonymousUser()) == frozenset()
    assert not roles.has_role(AnonymousUser(), *roles.ALL_ROLES)


@pytest.mark.django_db
def test_an_inactive_role_holder_is_not_confused_with_staff(staff_a):
    assert roles.has_role(staff_a, roles.DCR_STAFF)
    assert not roles.has_role(staff_a, roles.BIOBANK_STAFF)


@pytest.mark.django_db
def test_role_names_are_read_once_per_user_object(researcher, django_assert_num_queries):
    with django_assert_num_queries(1):
        for _ in range(3):
            roles.has_role(researcher, roles.RESEARCHER)


@pytest.mark.django_db
def test_grant_role_is_seen_at_once(patient):
    assert not roles.has_role(patient, roles.RESEARCHER)
    grant_role(patient, roles.RESEARCHER)
    assert roles.has_role(patient, roles.RESEARCHER)


@pytest.mark.django_db
@pytest.mark.parametrize("fixture, flags", [
    ("patient", {"is_patient": True, "is_researcher": False, "is_collaborator": False, "is_staff_member": False}),
    ("researcher", {"is_patient": False, "is_researcher": True, "is_collaborator": False, "is_staff_member": False}),
    ("collaborator", {"is_patient": False, "is_researcher": False, "is_collaborator": True, "is_staff_member": False}),
    ("staff_a", {"is_patient": False, "is_researcher": False, "is_collaborator": False, "is_staff_member": True}),
    ("superuser", {"is_patient": True, "is_researcher": True, "is_collaborator": True, "is_staff_member": True}),
])
def test_templates_get_the_role_flags(request, fixture, flags):
    http_request = RequestFactory().get("/")
    http_request.user = request.getfixturevalue(fixture)
    context = roles_context(http_request)
    assert {key: context[key] for key in flags} == flags


def test_templates_get_no_flags_for_an_anonymous_visitor():
    http_request = RequestFactory().get("/")
    http_request.user = AnonymousUser()
    context = roles_context(http_request)
    assert context["user_roles"] == []
    assert not any(context[key] for key in ("is_patient", "is_researcher", "is_collaborator", "is_staff_member"))


@pytest.mark.django_db
def test_declared_role_permissions_are_given_after_migrate():
    """Every permission an app declares for a role is on that role's group."""
    from accounts.permissions import declared_role_permissions

    declared = declared_role_permissions()
    assert "centers.view_center" in declared[roles.DCR_STAFF]
    for role, perms in declared.items():
        group = Group.objects.get(name=role)
        held = {f"{p.content_type.app_label}.{p.codename}"
                for p in group.permissions.select_related("content_type")}
        assert perms <= held, (role, perms - held)
