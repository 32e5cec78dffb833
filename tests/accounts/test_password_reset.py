"""Password reset by email: through the outbox, delivered once, link usable once."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from notifications.models import OutboxEmail
from tests.factories import TEST_PASSWORD, UserFactory

RESET = reverse("accounts:password_reset")
DONE = reverse("accounts:password_reset_done")
NEW_PASSWORD = "quiet-harbour-lights-77"


@pytest.fixture
def person(db):
    return UserFactory(email="sam@example.org", full_name="Sam Forgetful")


def ask_for_reset(client, email, capture):
    with capture(execute=True):
        return client.post(RESET, {"email": email})


def reset_path_from(body: str) -> str:
    match = re.search(re.escape(settings.SITE_URL) + r"(/accounts/reset/[^/\s]+/[^/\s]+/)", body)
    assert match, body
    return match.group(1)


@pytest.mark.django_db
def test_the_form_is_labelled(client):
    html = client.get(RESET).content.decode()
    assert 'for="id_email"' in html and "Email address" in html
    assert html.count("<h1") == 1


@pytest.mark.django_db
def test_a_known_address_gets_one_email_with_a_working_link(
        client, person, outbox, django_capture_on_commit_callbacks):
    response = ask_for_reset(client, "Sam@Example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == DONE
    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == ["sam@example.org"]
    assert message.subject == "Reset your DCR Portal password"
    queued = OutboxEmail.objects.get()
    assert queued.template == "password_reset" and queued.status == OutboxEmail.Status.SENT

    link = reset_path_from(message.body)
    response = client.get(link, follow=True)
    assert "Choose a new password" in response.content.decode()
    set_password_url = response.redirect_chain[-1][0]
    response = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
                           follow=True)
    assert "Your password was changed" in response.content.decode()
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert not person.check_password(TEST_PASSWORD)

    assert client.post(reverse("accounts:login"), {"username": person.email,
                                                   "password": NEW_PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_the_link_works_only_once(client, person, outbox, django_capture_on_commit_callbacks):
    ask_for_reset(client, person.email, django_capture_on_commit_callbacks)
    link = reset_path_from(outbox[0].body)
    response = client.get(link, follow=True)
    client.post(response.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.get(link, follow=True)
    assert "This link has expired" in response.content.decode()


@pytest.mark.django_db
def test_a_tampered_link_is_refused(client, person, outbox, django_capture_on_commit_callbacks):
    ask_for_reset(client, person.email, django_capture_on_commit_callbacks)
    link = reset_path_from(outbox[0].body)
    response = client.get(link[:-3] + "xx/", follow=True)
    assert "This link has expired" in response.content.decode()


@pytest.mark.django_db
def test_a_weak_new_password_is_refused_with_the_reason(client, person, outbox, django_capture_on_commit_callbacks):
    ask_for_reset(client, person.email, django_capture_on_commit_callbacks)
    response = client.get(reset_path_from(outbox[0].body), follow=True)
    response = client.post(response.redirect_chain[-1][0], {"new_password1": "1234", "new_password2": "1234"})
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    assert "Your password was not changed" in response.content.decode()
    person.refresh_from_db()
    assert person.check_password(TEST_PASSWORD)


@pytest.mark.django_db
def test_an_unknown_address_gets_the_same_page_and_no_email(client, outbox, django_capture_on_commit_callbacks):
    response = ask_for_reset(client, "nobody@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == DONE
    assert "Check your email" in client.get(DONE).content.decode()
    assert outbox == []
    assert not OutboxEmail.objects.exists()


@pytest.mark.django_db
def test_a_disabled_account_gets_no_email(client, outbox, django_capture_on_commit_callbacks):
    UserFactory(email="gone@example.org", is_active=False)
    ask_for_reset(client, "gone@example.org", django_capture_on_commit_callbacks)
    assert outbox == []


@pytest.mark.django_db
def test_a_malformed_address_is_explained(client):
    response = client.post(RESET, {"email": "not an email"})
    assert response.context["form"].errors["email"] == ["Enter an email address like name@example.org."]
    assert 'value="not an email"' in response.content.decode()


@pytest.mark.django_db
def test_the_email_carries_no_protected_data(client, outbox, django_capture_on_commit_callbacks):
    UserFactory(email="pat@example.org", full_name="Pat Private", phone="+1 603 555 0199")
    ask_for_reset(client, "pat@example.org", django_capture_on_commit_callbacks)
    assert "555 0199" not in outbox[0].body
    assert "Pat" not in outbox[0].body
    assert set(OutboxEmail.objects.get().context) == {"reset_path"}


@pytest.mark.django_db
def test_a_reset_lifts_a_sign_in_lockout(client, person, outbox, django_capture_on_commit_callbacks):
    login = reverse("accounts:login")
    for _ in range(5):
        response = client.post(login, {"username": person.email, "password": "wrong-password"})
    assert response.status_code == 429
    ask_for_reset(client, person.email, django_capture_on_commit_callbacks)
    response = client.get(reset_path_from(outbox[0].body), follow=True)
    client.post(response.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert client.post(login, {"username": person.email, "password": NEW_PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_at_most_three_links_an_hour_per_address(client, person, outbox, django_capture_on_commit_callbacks):
    for _ in range(5):
        response = ask_for_reset(client, person.email.upper(), django_capture_on_commit_callbacks)
        assert response["Location"] == DONE
    assert len(outbox) == 3
