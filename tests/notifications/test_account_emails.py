"""The welcome and password-reset emails go through the outbox and carry no protected data."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.urls import reverse

from accounts import roles
from accounts.models import User
from accounts.services import confirm_sign_up, sign_up
from notifications.models import OutboxEmail
from tests.factories import UserFactory

PASSWORD = "a-long-secret-passphrase-42"
PHONE = "+1 (603) 555-0142"


def _everything_a_reader_sees(message) -> str:
    return f"{message.subject}\n{message.body}"


@pytest.mark.django_db
def test_sign_up_sends_one_link_then_one_welcome_without_personal_data(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(email="pat.quinlan@example.org", full_name="Patricia Quinlan", password=PASSWORD,
                role=roles.PATIENT)
    user = User.objects.get(email="pat.quinlan@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        confirm_sign_up(user)
        confirm_sign_up(user)  # a second click welcomes nobody twice

    link, welcome = outbox
    assert link.to == welcome.to == ["pat.quinlan@example.org"]
    assert "/accounts/signup/confirm/" in link.body
    assert welcome.subject == "Welcome to the DCR Portal"
    assert "/accounts/login/" in welcome.body
    for message in (link, welcome):
        text = _everything_a_reader_sees(message)
        assert PASSWORD not in text
        assert "Patricia" not in text and "Quinlan" not in text
    row = OutboxEmail.objects.get(template="welcome")
    assert (row.recipient, row.status, row.idempotency_key) == (user.email, "sent", f"welcome:{user.pk}")
    assert not [row for row in OutboxEmail.objects.all() if PASSWORD in str(row.context)]


@pytest.mark.django_db
def test_a_rolled_back_sign_up_sends_nothing(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        sign_up(email="pat.quinlan@example.org", full_name="Patricia Quinlan", password=PASSWORD,
                role=roles.PATIENT)
        raise RuntimeError("a later step of the sign-up failed")

    assert outbox == []
    assert not OutboxEmail.objects.exists()
    assert not User.objects.filter(email="pat.quinlan@example.org").exists()


@pytest.mark.django_db
def test_password_reset_sends_one_email_with_a_working_link(client, outbox, django_capture_on_commit_callbacks):
    user = UserFactory(email="pat.quinlan@example.org", full_name="Patricia Quinlan", phone=PHONE)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "pat.quinlan@example.org"})

    assert response.status_code == 302
    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == [user.email]
    assert message.subject == "Reset your DCR Portal password"
    text = _everything_a_reader_sees(message)
    for personal in (PHONE, "555-0142", "Patricia", "Quinlan"):
        assert personal not in text
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.SENT

    link = re.search(r"http://\S+(/accounts/reset/\S+/)", message.body).group(1)
    follow = client.get(link, follow=True)
    assert follow.status_code == 200
    assert "new_password1" in follow.content.decode()


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_sends_nothing(client, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert outbox == []
    assert not OutboxEmail.objects.exists()
