"""DCR staff get the admin permissions the triage desk needs, and no more."""

import pytest
from django.contrib.auth.models import Group

from accounts import roles


@pytest.mark.django_db
def test_dcr_staff_permissions_after_migrate():
    group = Group.objects.get(name=roles.DCR_STAFF)
    granted = {p.codename for p in group.permissions.filter(content_type__app_label="consultations")}
    assert granted == {
        "view_consultationrequest", "change_consultationrequest",
        "add_message", "view_message", "add_timeentry", "view_timeentry",
        "view_statuschange", "view_attachment",
    }


@pytest.mark.django_db
def test_dcr_staff_can_neither_delete_nor_rewrite_the_record(staff_a):
    for perm in ("delete_consultationrequest", "change_message", "delete_message", "change_timeentry",
                 "delete_timeentry", "change_statuschange"):
        assert not staff_a.has_perm(f"consultations.{perm}")
    assert staff_a.has_perm("consultations.change_consultationrequest")
