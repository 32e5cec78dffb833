"""The send task: delivers a due, queued email at most once; failures are retried with back-off."""

from __future__ import annotations

import smtplib
import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection, transaction
from django.utils import timezone

from notifications import tasks
from notifications.models import OutboxEmail
from notifications.services import backoff_seconds
from notifications.tasks import send_outbox_email
from tests.notifications.factories import OutboxEmailFactory


@pytest.mark.django_db
def test_a_due_queued_email_is_sent_once(outbox):
    email = OutboxEmailFactory()

    assert send_outbox_email(email.pk) == "sent"
    assert send_outbox_email(email.pk) == "nothing to do"

    assert len(outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboxEmail.Status.SENT, 1)
    assert email.sent_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("status", [OutboxEmail.Status.SENT, OutboxEmail.Status.FAILED])
def test_a_sent_or_failed_email_is_left_alone(outbox, status):
    email = OutboxEmailFactory(status=status, attempts=2)

    assert send_outbox_email(email.pk) == "nothing to do"

    assert outbox == []
    email.refresh_from_db()
    assert (email.status, email.attempts) == (status, 2)


@pytest.mark.django_db
def test_a_task_for_a_deleted_row_does_nothing(outbox):
    assert send_outbox_email(987654) == "nothing to do"
    assert outbox == []


@pytest.mark.django_db
def test_an_email_waiting_out_its_back_off_is_not_sent_early(outbox):
    """A duplicate task (requeue, redelivery) may not jump the back-off of a failed attempt."""
    email = OutboxEmailFactory(attempts=1, next_attempt_at=timezone.now() + timedelta(seconds=30))

    assert send_outbox_email(email.pk) == "not due"

    assert outbox == []
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboxEmail.Status.QUEUED, 1)


@pytest.mark.django_db
def test_the_message_id_is_the_same_on_every_attempt(outbox, smtp_refuses, settings):
    email = OutboxEmailFactory(idempotency_key="interest:patient@example.org")
    send_outbox_email(email.pk)  # refused
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())

    send_outbox_email(email.pk)

    header = outbox[0].extra_headers["Message-ID"]
    assert header == email.message_id
    assert header.startswith(f"<outbox.{email.pk}.") and header.endswith("@dcr.example.org>")
    assert "patient" not in header  # the key may name a person: only its digest is used
    assert OutboxEmailFactory().message_id != header
    assert outbox[0].message()["Message-ID"] == header


@pytest.mark.django_db
def test_a_refused_email_is_retried_with_back_off(outbox, smtp_refuses, django_capture_on_commit_callbacks):
    email = OutboxEmailFactory()
    task = tasks.send_outbox_email
    before = timezone.now()

    with mock.patch.object(tasks, "send_outbox_email") as scheduled, \
            django_capture_on_commit_callbacks(execute=True):
        assert task(email.pk) == "retry in 30s"

    assert outbox == []
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboxEmail.Status.QUEUED, 1)
    assert email.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert before + timedelta(seconds=30) <= email.next_attempt_at <= timezone.now() + timedelta(seconds=30)
    scheduled.apply_async.assert_called_once_with((email.pk,), countdown=30)


@pytest.mark.django_db
def test_the_scheduled_retry_sends_once_it_is_due(outbox, smtp_refuses, settings):
    email = OutboxEmailFactory()
    send_outbox_email(email.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_outbox_email(email.pk) == "not due"

    OutboxEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    assert send_outbox_email(email.pk) == "sent"

    email.refresh_from_db()
    assert (email.status, email.attempts, len(outbox)) == (OutboxEmail.Status.SENT, 2, 1)


def test_the_back_off_doubles_from_the_base_up_to_an_hour(settings):
    assert [backoff_seconds(n) for n in range(1, 9)] == [30, 60, 120, 240, 480, 960, 1920, 3600]
    settings.OUTBOX_BACKOFF_BASE_SECONDS = 1
    assert [backoff_seconds(n) for n in range(1, 4)] == [1, 2, 4]


@pytest.mark.django_db
def test_the_last_allowed_attempt_that_fails_marks_the_email_failed(outbox, smtp_refuses, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    email = OutboxEmailFactory(attempts=2)

    assert send_outbox_email(email.pk) == "failed"

    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboxEmail.Status.FAILED, 3)
    assert "SMTPServerDisconnected" in email.last_error
    assert send_outbox_email(email.pk) == "nothing to do"


@pytest.mark.django_db
def test_every_attempt_is_counted_until_the_email_fails(outbox, smtp_refuses, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 4
    email = OutboxEmailFactory()
    outcomes = []
    for _ in range(5):
        outcomes.append(send_outbox_email(email.pk))
        OutboxEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())

    assert outcomes == ["retry in 30s", "retry in 60s", "retry in 120s", "failed", "nothing to do"]
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboxEmail.Status.FAILED, 4)


PATIENT_ADDRESS = "pat.patient@example.org"


@pytest.mark.django_db
@pytest.mark.parametrize(("error", "outcome"), [
    (smtplib.SMTPRecipientsRefused({PATIENT_ADDRESS: (550, b"5.1.1 No such user")}), "failed"),
    (smtplib.SMTPDataError(554, b"5.7.1 Message rejected"), "failed"),
    (smtplib.SMTPRecipientsRefused({PATIENT_ADDRESS: (451, b"4.3.0 Try again later")}), "retry in 30s"),
    (smtplib.SMTPDataError(451, b"4.3.0 Try again later"), "retry in 30s"),
    (smtplib.SMTPAuthenticationError(535, b"5.7.8 Bad credentials"), "retry in 30s"),
    (ConnectionRefusedError(111, "Connection refused"), "retry in 30s"),
])
def test_a_5xx_refusal_of_the_message_fails_at_once_and_anything_else_is_retried(outbox, smtp_refuses, error,
                                                                                  outcome):
    email = OutboxEmailFactory(recipient=PATIENT_ADDRESS)
    smtp_refuses(error)

    assert send_outbox_email(email.pk) == outcome

    email.refresh_from_db()
    assert email.attempts == 1
    assert email.status == ("failed" if outcome == "failed" else "queued")
    assert email.last_error.startswith(type(error).__name__)
    assert "pat.patient" not in email.last_error  # scrubbed


@pytest.mark.django_db(transaction=True)
def test_a_row_being_sent_by_another_task_is_skipped(outbox):
    """Two tasks for one row: the second finds it locked and leaves it to the first."""
    email = OutboxEmailFactory()
    locked, release = threading.Event(), threading.Event()

    def first_task_holding_the_row():
        try:
            with transaction.atomic():
                OutboxEmail.objects.select_for_update().get(pk=email.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    first = threading.Thread(target=first_task_holding_the_row)
    first.start()
    try:
        assert locked.wait(10)
        assert send_outbox_email(email.pk) == "nothing to do"
        assert outbox == []
    finally:
        release.set()
        first.join(10)

    assert send_outbox_email(email.pk) == "sent"
    assert len(outbox) == 1


@pytest.mark.django_db
def test_a_template_removed_after_queueing_is_recorded_as_an_error(outbox):
    email = OutboxEmailFactory(template="no_longer_exists")

    assert send_outbox_email(email.pk) == "retry in 30s"

    email.refresh_from_db()
    assert email.last_error.startswith("TemplateDoesNotExist")


@pytest.mark.django_db
def test_the_email_is_marked_automatic(outbox):
    send_outbox_email(OutboxEmailFactory().pk)
    assert outbox[0].extra_headers["Auto-Submitted"] == "auto-generated"

