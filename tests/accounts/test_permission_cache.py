"""Each person's permissions are read once and kept, and every change of roles counts on the next request."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import roles

CENTRES = reverse("admin:centers_center_changelist")
TRIAGE = reverse("admin:consultations_consultationrequest_changelist")


def permission_queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    return status, sum('"auth_permission"' in q["sql"] for q in queries.captured_queries)


@pytest.mark.django_db
def test_permissions_are_read_once_then_kept(client, staff_a):
    client.force_login(staff_a)
    status, reads = permission_queries(client, TRIAGE)
    assert status == 200 and reads == 2  # the person's own and their roles'
    status, reads = permission_queries(client, TRIAGE)
    assert status == 200 and reads == 0


@pytest.mark.django_db
def test_a_permission_taken_from_a_role_counts_on_the_next_request(client, staff_a):
    client.force_login(staff_a)
    assert client.get(TRIAGE).status_code == 200
    group = Group.objects.get(name=roles.DCR_STAFF)
    group.permissions.remove(*Permission.objects.filter(content_type__app_label="consultations",
                                                        codename__in=["view_consultationrequest",
                                                                      "change_consultationrequest"]))
    assert client.get(TRIAGE).status_code == 403


def _give_role(user):
    user.groups.add(Group.objects.get(name=roles.DCR_STAFF))


def _give_permission(user):
    user.user_permissions.add(Permission.objects.get(content_type__app_label="consultations",
                                                     codename="view_consultationrequest"))


@pytest.mark.django_db
@pytest.mark.parametrize("give", [_give_role, _give_permission], ids=["a role", "a permission of their own"])
def test_what_is_given_counts_on_the_next_request(client, researcher, give):
    researcher.is_staff = True
    researcher.save()
    client.force_login(researcher)
    assert client.get(TRIAGE).status_code == 403
    give(researcher)
    assert client.get(TRIAGE).status_code == 200


@pytest.mark.django_db
def test_a_superuser_no_longer_one_loses_everything_at_once(client, superuser):
    client.force_login(superuser)
    assert client.get(CENTRES).status_code == 200
    superuser.is_superuser = False
    superuser.save()
    assert client.get(CENTRES).status_code == 403

