"""Per-email headers (e.g. List-Unsubscribe) stored on the outbox row and put on the sent message;
``queue_emails`` owes many emails in a few queries, once per key."""

from __future__ import annotations

import pytest

from notifications.models import OutboxEmail
from notifications.services import queue_email, queue_emails

pytestmark = pytest.mark.django_db
UNSUBSCRIBE = {"List-Unsubscribe": "<https://portal.example.org/unsubscribe/abc>",
               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def test_headers_are_kept_on_the_row_and_sent_with_the_message(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_email("ada@example.org", "welcome", {}, headers=UNSUBSCRIBE)

    assert OutboxEmail.objects.get(pk=email.pk).headers == UNSUBSCRIBE
    [message] = outbox
    raw = message.message().as_string()
    assert "List-Unsubscribe: <https://portal.example.org/unsubscribe/abc>" in raw
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw
    assert message.extra_headers["Message-ID"] == email.message_id  # the outbox's own header stays


@pytest.mark.parametrize("headers", [{"Message-ID": "<forged@example.org>"}, {"To": "eve@example.org"},
                                     {"X-Note": "one\r\nBcc: eve@example.org"}, {"Bad Name": "x"}])
def test_headers_that_would_forge_the_envelope_are_refused(headers):
    with pytest.raises(ValueError):
        queue_email("ada@example.org", "welcome", {}, headers=headers)
    assert not OutboxEmail.objects.exists()


def test_queue_emails_writes_each_key_once_and_sends_after_commit(outbox, django_capture_on_commit_callbacks):
    batch = [{"recipient": f"reader{n}@example.org", "template": "welcome", "context": {}, "headers": UNSUBSCRIBE,
              "idempotency_key": f"batch:{n}"} for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_emails(batch) == 3
        assert queue_emails(batch) == 0
    assert OutboxEmail.objects.count() == 3
    assert sorted(message.to[0] for message in outbox) == [f"reader{n}@example.org" for n in range(3)]


def test_queue_emails_checks_every_context_for_protected_keys():
    with pytest.raises(ValueError):
        queue_emails([{"recipient": "a@example.org", "template": "welcome", "idempotency_key": "k",
                       "context": {"rows": [{"title": "x", "patient_name": "Jo"}]}}])
