"""The welcome and password-reset emails go through the outbox and carry no protected data."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.urls import reverse

from accounts import roles
from accounts.models import User
from accounts.services import register_user
from notifications.models import OutboxEmail
from tests.factories import UserFactory

PASSWORD = "a-long-secret-passphrase-42"
PHONE = "+1 (603) 555-0142"


def _everything_a_reader_sees(message) -> str:
    return f"{message.subject}\n{message.body}"


@pytest.mark.django_db
def test_sign_up_sends_one_welcome_email_without_personal_data(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = register_user(email="pat.quinlan@example.org", full_name="Patricia Quinlan", password=PASSWORD,
                             role=roles.PATIENT)

    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == ["pat.quinlan@example.org"]
    assert message.subject == "Welcome to the DCR Portal"
    assert "/accounts/login/" in message.body
    text = _everything_a_reader_sees(message)
    assert PASSWORD not in text
    assert "Patricia" not in text and "Quinlan" not in text
    row = OutboxEmail.objects.get(template="welcome")
    assert (row.recipient, row.status, row.idempotency_key) == (user.email, "sent", f"welcome:{user.pk}")
    assert PASSWORD not in str(row.context)


@pytest.mark.django_db
def test_a_rolled_back_sign_up_sends_no_welcome_email(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        register_user(email="pat.quinlan@example.org", full_name="Patricia Quinlan", password=PASSWORD,
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
