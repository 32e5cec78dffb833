"""Anonymous visitors get the finder and study pages from the cache, fresh after any change."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from studies.models import Interest
from tests.studies.factories import StudyFactory

FINDER = reverse("studies:finder")


@pytest.mark.django_db
def test_second_visit_to_the_finder_runs_no_query(client, django_assert_num_queries):
    StudyFactory(lay_title="Walking for healthy knees")
    first = client.get(FINDER, {"q": "knees"})
    with django_assert_num_queries(0):
        second = client.get(FINDER, {"q": "knees"})
    assert first.context is not None and second.context is None  # the second was replayed, not rendered
    assert "Walking for healthy knees" in second.content.decode()


@pytest.mark.django_db
def test_a_changed_study_shows_at_once(client):
    study = StudyFactory(lay_title="Walking for healthy knees")
    assert "Walking for healthy knees" in client.get(FINDER).content.decode()
    client.get(reverse("studies:detail", args=[study.pk]))
    study.lay_title = "Cycling for healthy knees"
    study.save()
    assert "Cycling for healthy knees" in client.get(FINDER).content.decode()
    assert "Cycling for healthy knees" in client.get(reverse("studies:detail", args=[study.pk])).content.decode()
    study.status = study.Status.COMPLETED
    study.save()
    assert "Cycling" not in client.get(FINDER).content.decode()


@pytest.mark.django_db
def test_a_visitor_served_from_the_cache_can_send_the_form_with_their_own_token():
    study = StudyFactory()
    url = reverse("studies:detail", args=[study.pk])
    Client().get(url)  # somebody else's visit fills the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(url)
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert "csrf-token-of-this-visitor" not in page.content.decode()
    response = visitor.post(url, {"csrfmiddlewaretoken": token, "name": "Ada Example", "email": "ada@example.org",
                                  "preferred_contact": "email", "best_time": "any", "consent_to_contact": "on"})
    assert response.status_code == 302
    assert Interest.objects.filter(study=study, email="ada@example.org").exists()


@pytest.mark.django_db
def test_signed_in_people_get_their_own_page(client, patient):
    StudyFactory()
    Client().get(FINDER)  # an anonymous visit fills the cache
    client.force_login(patient)
    response = client.get(FINDER)
    assert response.context is not None  # rendered for them, not replayed from the cache
    assert "Sign out" in response.content.decode() or patient.email in response.content.decode()


@pytest.mark.django_db
def test_made_up_parameters_are_never_stored(client):
    StudyFactory()
    client.get(FINDER, {"utm_source": "x1"})
    again = client.get(FINDER, {"utm_source": "x1"})
    assert again.context is not None  # rendered again: nothing was stored for that address
    client.get(FINDER, {"q": "x" * 400})
    assert client.get(FINDER, {"q": "x" * 400}).context is not None


@pytest.mark.django_db
def test_the_study_page_is_served_from_the_cache_and_forgets_a_changed_site(client, django_assert_num_queries):
    from studies.models import Location

    study = StudyFactory()
    site = Location.objects.create(study=study, facility="Harbour Clinic", city="Portsmouth", country="United States")
    url = reverse("studies:detail", args=[study.pk])
    assert "Harbour Clinic" in client.get(url).content.decode()
    with django_assert_num_queries(0):
        assert "Harbour Clinic" in client.get(url).content.decode()
    site.facility = "Riverside Clinic"
    site.save()
    assert "Riverside Clinic" in client.get(url).content.decode()
