"""Signed-in people save studies to a list of their own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from studies.models import SavedStudy, Study

from .factories import StudyFactory

pytestmark = pytest.mark.django_db


def test_a_signed_in_person_saves_a_study_and_finds_it_in_their_list(client, patient):
    study = StudyFactory(lay_title="Walking for healthy knees")
    client.force_login(patient)
    assert 'id="save-study"' in client.get(study.get_absolute_url()).content.decode()
    response = client.post(reverse("studies:save", args=[study.pk]), follow=True)
    body = response.content.decode()
    assert "Saved to your list of studies." in body and "Saved to your list." in body
    client.post(reverse("studies:save", args=[study.pk]))  # twice is still once
    assert SavedStudy.objects.filter(user=patient).count() == 1
    assert "Walking for healthy knees" in client.get(reverse("studies:saved")).content.decode()
    client.post(reverse("studies:save", args=[study.pk]), {"action": "remove"})
    assert "You have not saved a study yet" in client.get(reverse("studies:saved")).content.decode()


def test_the_list_says_when_a_saved_study_closed_and_hides_one_no_longer_public(client, patient):
    closed = StudyFactory(lay_title="A finished study")
    hidden = StudyFactory(lay_title="A withdrawn page")
    for study in (closed, hidden):
        SavedStudy.objects.create(user=patient, study=study)
    Study.objects.filter(pk=closed.pk).update(status=Study.Status.COMPLETED)
    Study.objects.filter(pk=hidden.pk).update(is_public=False)
    client.force_login(patient)
    body = client.get(reverse("studies:saved")).content.decode()
    assert "A finished study" in body and "This study has closed." in body and "A withdrawn page" not in body


def test_each_person_sees_only_their_own_list(client, patient, researcher):
    SavedStudy.objects.create(user=researcher, study=StudyFactory(lay_title="Someone else's pick"))
    client.force_login(patient)
    assert "Someone else's pick" not in client.get(reverse("studies:saved")).content.decode()


def test_saving_needs_a_sign_in_and_a_public_study(client, patient):
    study = StudyFactory()
    response = client.post(reverse("studies:save", args=[study.pk]))
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    assert 'id="save-study"' not in client.get(study.get_absolute_url()).content.decode()
    client.force_login(patient)
    hidden = StudyFactory(is_public=False)
    assert client.post(reverse("studies:save", args=[hidden.pk])).status_code == 404
    assert not SavedStudy.objects.exists()
