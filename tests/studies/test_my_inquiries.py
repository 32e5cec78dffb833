"""A signed-in person's own inquiries: list, status in plain words, withdraw."""

from __future__ import annotations

import pytest

from studies.models import Interest

from .factories import InterestFactory, StudyFactory

pytestmark = pytest.mark.django_db
URL = "/studies/my-inquiries/"


def test_anonymous_visitors_are_asked_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_a_patient_sees_their_own_inquiries_with_their_status(client, patient, other_researcher):
    mine = InterestFactory(user=patient, study=StudyFactory(lay_title="Sleep study"))
    closed = InterestFactory(user=patient, study=StudyFactory(lay_title="Walking study"),
                             status=Interest.Status.DECLINED)
    InterestFactory(user=other_researcher, study=StudyFactory(lay_title="Someone else's study"))
    InterestFactory(study=StudyFactory(lay_title="Anonymous study"))
    client.force_login(patient)
    body = client.get(URL).content.decode()
    assert "Sleep study" in body and "Walking study" in body
    assert "Someone else's study" not in body and "Anonymous study" not in body
    assert mine.reference in body and "Received: the study team will contact you" in body
    assert "Closed: you decided not to take part" in body
    assert body.count("Withdraw this inquiry") == 1  # not for a closed one
    assert f"/studies/my-inquiries/{closed.pk}/withdraw/" not in body


def test_a_patient_withdraws_an_inquiry(client, patient):
    interest = InterestFactory(user=patient)
    client.force_login(patient)
    response = client.post(f"{URL}{interest.pk}/withdraw/", follow=True)
    interest.refresh_from_db()
    assert interest.status == Interest.Status.WITHDRAWN
    assert interest.status_changes.get().by == patient
    assert f"Your inquiry {interest.reference} is withdrawn" in response.content.decode()


def test_withdrawing_twice_explains_why_not(client, patient):
    interest = InterestFactory(user=patient, status=Interest.Status.WITHDRAWN)
    client.force_login(patient)
    response = client.post(f"{URL}{interest.pk}/withdraw/", follow=True)
    assert "cannot be marked withdrawn" in response.content.decode()


def test_withdraw_needs_a_post(client, patient):
    interest = InterestFactory(user=patient)
    client.force_login(patient)
    assert client.get(f"{URL}{interest.pk}/withdraw/").status_code == 405
    interest.refresh_from_db()
    assert interest.status == Interest.Status.NEW


def test_another_persons_inquiry_is_not_found(client, patient, other_researcher):
    theirs = InterestFactory(user=other_researcher)
    anonymous = InterestFactory()
    client.force_login(patient)
    assert client.post(f"{URL}{theirs.pk}/withdraw/").status_code == 404
    assert client.post(f"{URL}{anonymous.pk}/withdraw/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Interest.Status.NEW


def test_my_inquiries_query_count(client, patient, django_assert_max_num_queries):
    for _ in range(8):
        InterestFactory(user=patient)
    client.force_login(patient)
    # session, user, roles (menu), count, page with studies
    with django_assert_max_num_queries(5):
        response = client.get(URL)
    assert len(response.context["page"]) == 8
