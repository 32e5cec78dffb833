"""Audit: every change of a protected record keeps who/when/what; every staff view of one is logged;
superusers read both on one read-only page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.audit import protected_models
from accounts.models import ProtectedAccess
from common.protected import PROTECTED_FIELDS
from tests.biobank.factories import ParticipantFactory
from tests.studies.factories import InterestFactory, StudyFactory

TRAIL = reverse("admin:accounts_audit_trail")


def test_every_model_with_a_protected_field_keeps_its_history():
    models = protected_models()
    assert {m._meta.label for m in models} == {name.rsplit(".", 1)[0] for name in PROTECTED_FIELDS}
    for model in models:
        assert hasattr(model, "history"), f"{model._meta.label} holds protected data but keeps no history"
        tracked = {field.name for field in model.history.model._meta.fields}
        for name in PROTECTED_FIELDS:
            label, field = name.rsplit(".", 1)
            if label == model._meta.label and field != "mrn":  # the MRN is kept encrypted (mrn_encrypted)
                assert field in tracked, f"history of {label} does not keep {field}"


@pytest.mark.django_db
def test_a_change_keeps_who_when_and_what(client, superuser, patient):
    client.force_login(superuser)
    url = reverse("admin:accounts_user_change", args=[patient.pk])
    form = client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None and key != "password"}
    data.update({"phone": "617 555 0123", "groups": [g.pk for g in patient.groups.all()], "user_permissions": [],
                 "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-02", "date_joined_1": "10:00:00"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    latest = patient.history.order_by("-history_date").first()
    assert latest.history_user == superuser and latest.history_type == "~"
    changes = {change.field: change.new for change in latest.diff_against(latest.prev_record).changes}
    assert changes["phone"] == "617 555 0123"


@pytest.mark.django_db
def test_staff_views_of_protected_records_are_logged(client, superuser, study_team_member, biobank_staff, center_a):
    study = StudyFactory(center=center_a)
    study.team.add(study_team_member)
    interest = InterestFactory(study=study)
    client.force_login(study_team_member)
    assert client.get(reverse("admin:studies_interest_change", args=[interest.pk])).status_code == 200
    assert ProtectedAccess.objects.filter(user=study_team_member, record_type="studies.Interest",
                                          record_id=str(interest.pk)).exists()

    participant = ParticipantFactory()
    client.force_login(biobank_staff)
    client.post(reverse("admin:biobank_participant_reveal_mrn", args=[participant.pk]), {"reason": "Checking a record"})
    client.get(reverse("admin:biobank_participant_reveal_mrn", args=[participant.pk]))
    assert ProtectedAccess.objects.filter(user=biobank_staff, record_type="biobank.Participant",
                                          record_id=str(participant.pk)).exists()

    person = study_team_member
    person.phone = "617 555 0177"
    person.save()
    client.force_login(superuser)
    assert client.get(reverse("admin:accounts_user_change", args=[person.pk])).status_code == 200
    read = ProtectedAccess.objects.get(user=superuser, record_type="accounts.User", record_id=str(person.pk))
    assert read.fields == "phone"


@pytest.mark.django_db
def test_the_audit_trail_shows_changes_and_reads_without_protected_values(client, superuser, staff_a, center_a):
    study = StudyFactory(center=center_a)
    interest = InterestFactory(study=study, name="Quinn Private", phone="617 555 0166")
    ProtectedAccess.objects.create(user=staff_a, record_type="studies.Interest", record_id=str(interest.pk),
                                   fields="email,name,phone")
    client.force_login(superuser)
    page = client.get(TRAIL)
    html = page.content.decode()
    assert page.status_code == 200
    assert "created" in html and "viewed" in html and str(staff_a) in html
    assert reverse("admin:studies_interest_history", args=[interest.pk]) in html
    assert "Quinn Private" not in html and "617 555 0166" not in html
    assert client.get(TRAIL, {"type": "biobank.Participant"}).content.decode().count("studies.Interest #") == 0
    assert TRAIL in client.get(reverse("admin:accounts_protectedaccess_changelist")).content.decode()


@pytest.mark.django_db
def test_the_trail_is_for_superusers_and_nobody_edits_it(client, staff_a, superuser, django_assert_max_num_queries):
    client.force_login(staff_a)
    assert client.get(TRAIL).status_code == 403
    access = ProtectedAccess.objects.create(user=staff_a, record_type="studies.Interest", record_id="1", fields="name")
    client.force_login(superuser)
    assert client.post(reverse("admin:accounts_protectedaccess_delete", args=[access.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:accounts_protectedaccess_add")).status_code == 403
    for n in range(5):
        ProtectedAccess.objects.create(user=staff_a, record_type="studies.Interest", record_id=str(n), fields="name")
    with django_assert_max_num_queries(12):
        assert client.get(TRAIL).status_code == 200
