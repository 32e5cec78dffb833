"""After "I'm interested": create an account to follow the inquiry; it joins the account only once the
address is confirmed by the emailed sign-up link (never shown to an address nobody confirmed)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import roles
from accounts.models import User
from notifications.models import OutboxEmail
from tests.factories import TEST_PASSWORD, UserFactory

from .factories import InterestFactory, StudyFactory

pytestmark = pytest.mark.django_db
ADDRESS = "jo.volunteer@example.org"
MINE = "/studies/my-inquiries/"


@pytest.fixture
def inquiry(db):
    return InterestFactory(study=StudyFactory(lay_title="Sleep and memory"), email=ADDRESS, user=None)


def sign_up(client, email=ADDRESS):
    return client.post(f"{reverse('accounts:signup')}?role=Patient", {
        "email": email, "full_name": "Jo Volunteer", "password1": "a long passphrase 42",
        "password2": "a long passphrase 42", "role": roles.PATIENT})


def confirm_path(email=ADDRESS) -> str:
    return OutboxEmail.objects.get(template="signup_confirm", recipient=email).context["confirm_path"]


def test_the_thank_you_page_offers_an_account_to_follow_the_inquiry(client, inquiry):
    session = client.session
    session["studies_last_inquiry"] = [inquiry.study.pk, inquiry.reference]
    session.save()
    body = client.get(reverse("studies:thanks", args=[inquiry.study.pk])).content.decode()
    assert "Create an account to follow it" in body
    assert 'href="/accounts/signup/?role=Patient"' in body
    assert f'href="/accounts/login/?next={MINE}"' in body


def test_the_inquiry_joins_the_account_only_when_the_address_is_confirmed(client, inquiry):
    sign_up(client)
    inquiry.refresh_from_db()
    assert inquiry.user is None  # an account waiting for its link sees nothing
    path = confirm_path()
    client.get(path)  # reading the page (a mail scanner) confirms nothing
    inquiry.refresh_from_db()
    assert inquiry.user is None
    client.post(path)
    user = User.objects.get(email=ADDRESS)
    inquiry.refresh_from_db()
    assert inquiry.user == user
    assert inquiry.history.latest().history_user == user
    assert "Sleep and memory" in client.get(MINE).content.decode()


def test_an_account_with_another_address_gets_nothing(client, inquiry):
    sign_up(client, email="someone.else@example.org")
    client.post(confirm_path("someone.else@example.org"))
    inquiry.refresh_from_db()
    assert inquiry.user is None


def test_a_confirmed_person_who_sent_an_inquiry_signed_out_gets_it_at_sign_in(client, inquiry):
    person = UserFactory(email=ADDRESS, roles=[roles.PATIENT])
    client.post(reverse("accounts:login"), {"username": ADDRESS, "password": TEST_PASSWORD})
    inquiry.refresh_from_db()
    assert inquiry.user == person


def test_an_unconfirmed_account_never_gets_it(inquiry):
    from studies.services import link_inquiries_to_verified_email

    person = UserFactory(email=ADDRESS, roles=[roles.PATIENT], email_confirmed=False)
    assert link_inquiries_to_verified_email(person) == 0
    inquiry.refresh_from_db()
    assert inquiry.user is None
