"""After "I'm interested": create an account to follow the inquiry; it joins the account only once the
address is confirmed (never shown to an account whose address nobody confirmed)."""

from __future__ import annotations

import re

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.models import User
from accounts.verification import make_token
from notifications.models import OutboxEmail
from studies.models import Interest
from tests.factories import TEST_PASSWORD, UserFactory

from .factories import InterestFactory, StudyFactory

pytestmark = pytest.mark.django_db
ADDRESS = "jo.volunteer@example.org"
MINE = "/studies/my-inquiries/"


@pytest.fixture
def inquiry(db):
    return InterestFactory(study=StudyFactory(lay_title="Sleep and memory"), email=ADDRESS, user=None)


def sign_up(client, email=ADDRESS):
    return client.post(f"{reverse('accounts:signup')}?role=Patient&next={MINE}", {
        "email": email, "full_name": "Jo Volunteer", "password1": "a long passphrase 42",
        "password2": "a long passphrase 42", "role": roles.PATIENT})


def confirm_path_from_welcome() -> str:
    context = OutboxEmail.objects.get(template="welcome").context
    return context["verify_path"]


def test_the_thank_you_page_offers_an_account_to_follow_the_inquiry(client, inquiry):
    session = client.session
    session["studies_last_inquiry"] = [inquiry.study.pk, inquiry.reference]
    session.save()
    body = client.get(reverse("studies:thanks", args=[inquiry.study.pk])).content.decode()
    assert "Create an account to follow it" in body
    assert f'href="/accounts/signup/?role=Patient&amp;next={MINE}"' in body
    assert f'href="/accounts/login/?next={MINE}"' in body


def test_signing_up_does_not_show_the_inquiry_until_the_address_is_confirmed(client, inquiry):
    response = sign_up(client)
    assert response["Location"] == MINE
    page = client.get(MINE)
    assert "Sleep and memory" not in page.content.decode()
    assert "Confirm your address" in page.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.user is None

    path = confirm_path_from_welcome()
    assert "Confirm my email address" in client.get(path).content.decode()  # a GET changes nothing
    assert User.objects.get(email=ADDRESS).email_verified_at is None
    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == MINE
    user = User.objects.get(email=ADDRESS)
    assert user.email_verified_at is not None
    inquiry.refresh_from_db()
    assert inquiry.user == user
    assert inquiry.history.latest().history_user == user
    assert "Sleep and memory" in client.get(MINE).content.decode()


def test_someone_elses_account_with_another_address_gets_nothing(client, inquiry):
    sign_up(client, email="someone.else@example.org")
    client.post(confirm_path_from_welcome())
    inquiry.refresh_from_db()
    assert inquiry.user is None


def test_a_forged_old_or_outdated_link_confirms_nothing(client, inquiry):
    person = UserFactory(email=ADDRESS, roles=[roles.PATIENT])
    good = make_token(person)
    forged = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    response = client.post(reverse("accounts:verify_email", args=[forged]))
    assert response.status_code == 400 and "out of date" in response.content.decode()
    old = signing.TimestampSigner(salt="accounts.verify-email")
    old.timestamp = lambda: signing.b62_encode(int(timezone.now().timestamp()) - 8 * 24 * 3600)
    assert client.post(reverse("accounts:verify_email", args=[old.sign_object(
        signing.TimestampSigner(salt="accounts.verify-email").unsign_object(good))])).status_code == 400
    person.email = "changed@example.org"
    person.save()
    assert client.post(reverse("accounts:verify_email", args=[good])).status_code == 400
    person.refresh_from_db()
    inquiry.refresh_from_db()
    assert person.email_verified_at is None and inquiry.user is None


def test_a_confirmed_person_who_sent_an_inquiry_signed_out_gets_it_at_sign_in(client, inquiry):
    person = UserFactory(email=ADDRESS, roles=[roles.PATIENT], email_verified_at=timezone.now())
    client.post(reverse("accounts:login"), {"username": ADDRESS, "password": TEST_PASSWORD})
    inquiry.refresh_from_db()
    assert inquiry.user == person


def test_an_unconfirmed_person_signing_in_gets_nothing(client, inquiry):
    UserFactory(email=ADDRESS, roles=[roles.PATIENT])
    client.post(reverse("accounts:login"), {"username": ADDRESS, "password": TEST_PASSWORD})
    inquiry.refresh_from_db()
    assert inquiry.user is None


def test_a_new_link_can_be_asked_for_a_few_times_an_hour(client, outbox, django_capture_on_commit_callbacks):
    person = UserFactory(email=ADDRESS, roles=[roles.PATIENT])
    client.force_login(person)
    url = reverse("accounts:send_confirmation")
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"next": MINE}, follow=True)
        assert "We sent a new link" in response.content.decode()
    assert len(outbox) == 3
    body = outbox[0].body
    assert re.search(r"/accounts/confirm-email/[^/\s]+/", body)
    assert "Jo" not in body  # the email names nobody
    response = client.post(url, follow=True)
    assert "several confirmation links" in response.content.decode()
    assert OutboxEmail.objects.filter(template="verify_email").count() == 3


def test_the_welcome_email_carries_the_confirmation_link(client, inquiry):
    sign_up(client)
    assert confirm_path_from_welcome().startswith("/accounts/confirm-email/")
    assert Interest.objects.filter(user__isnull=False).count() == 0
