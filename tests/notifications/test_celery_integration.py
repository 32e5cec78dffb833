"""The outbox end to end: a real Celery worker on the real Redis broker, delivering by SMTP.

The worker is a subprocess (``celery worker --pool solo``) on the project's settings, connected
to the test database and to a local SMTP sink (aiosmtpd) in this process. Tasks travel on a
queue made for this run, so another worker on the same Redis never sees them. With no
REDIS_URL the embedded Redis (a unix socket) is the broker, as in ``make run``.
"""

from __future__ import annotations

import os
import re
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection, transaction

from notifications.models import OutboxEmail
from notifications.services import queue_email
from notifications.tasks import send_outbox_email
from tests.notifications.celery_harness import CeleryWorker, database_url, producing_to
from tests.notifications.smtp_sink import SmtpSink

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

DELIVERY_TIMEOUT = 30
SEND_TASK_DONE = re.compile(r"notifications\.tasks\.send_outbox_email\[.*\] succeeded")
# Back-off in the worker: 1 s, then 2 s (30 s, 60 s in production).
BACKOFF_BASE_SECONDS = 1


@pytest.fixture(scope="module")
def smtp_sink():
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture(scope="module")
def celery_worker(django_db_setup, smtp_sink, tmp_path_factory):
    """One worker for the module, on the test database, the real broker and the SMTP sink."""
    queue = f"dcr-test-outbox-{uuid.uuid4().hex[:12]}"
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CELERY_"))
    }
    environment.update({
        "DJANGO_SETTINGS_MODULE": "dcr_portal.settings",
        "DCR_ENV": "test",
        "DATABASE_URL": database_url(connection.settings_dict),
        "DCR_DB_CONN_MAX_AGE": "0",  # no connection left open on the test database between tasks
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(smtp_sink.port),
        "DCR_OUTBOX_BACKOFF_BASE_SECONDS": str(BACKOFF_BASE_SECONDS),
        "DCR_TEST_CELERY_QUEUE": queue,
        "PYTHONUNBUFFERED": "1",
    })
    worker = CeleryWorker(queue, environment, tmp_path_factory.mktemp("celery") / "worker.log")
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()
        worker.delete_queue(settings.REDIS_URL)


@pytest.fixture
def producer(celery_worker):
    with producing_to(celery_worker.queue, settings.REDIS_URL):
        yield


def _row_when_settled(email_id: int, timeout: float = 10) -> OutboxEmail:
    """The row once the worker has marked it sent or failed (it commits just after SMTP)."""
    deadline = time.monotonic() + timeout
    while True:
        row = OutboxEmail.objects.get(pk=email_id)
        if row.status != OutboxEmail.Status.QUEUED or time.monotonic() > deadline:
            return row
        time.sleep(0.05)


def _explain(worker: CeleryWorker, since: int) -> str:
    return "worker log since the test started:\n" + worker.log()[since:]


def test_a_committed_email_arrives_exactly_once(smtp_sink, celery_worker, producer):
    smtp_sink.reset()
    since = celery_worker.log_size()
    with transaction.atomic():
        email = queue_email("ada@example.org", "welcome", idempotency_key=f"integration:{uuid.uuid4()}")
    # A second task for the same row, as requeue_stuck_emails or a broker redelivery would send.
    send_outbox_email.delay(email.pk)

    received = smtp_sink.wait_for_messages(1, timeout=DELIVERY_TIMEOUT)
    assert received, _explain(celery_worker, since)
    assert celery_worker.wait_for_log(SEND_TASK_DONE, count=2, since=since, timeout=DELIVERY_TIMEOUT), \
        _explain(celery_worker, since)
    time.sleep(1)  # room for a wrong second delivery to show up

    assert len(smtp_sink.messages) == 1, _explain(celery_worker, since)
    row = _row_when_settled(email.pk)
    assert (row.status, row.attempts) == (OutboxEmail.Status.SENT, 1), _explain(celery_worker, since)
    assert row.sent_at is not None
    message = smtp_sink.messages[0]
    assert message["To"] == "ada@example.org"
    assert message["Subject"] == "Welcome to the DCR Portal"
    assert message["Message-ID"] == row.message_id
    assert "Your DCR Portal account is ready." in message.get_content()
    assert "succeeded in" in celery_worker.log()[since:] and "'nothing to do'" in celery_worker.log()[since:]


def test_temporary_smtp_failures_are_retried_and_the_email_arrives_once(smtp_sink, celery_worker, producer):
    smtp_sink.reset(refuse_next=2)
    since = celery_worker.log_size()
    started = time.monotonic()
    with transaction.atomic():
        email = queue_email("ada@example.org", "password_reset", {"reset_path": "/accounts/reset/MQ/token/"})

    received = smtp_sink.wait_for_messages(1, timeout=DELIVERY_TIMEOUT)
    assert received, _explain(celery_worker, since)
    elapsed = time.monotonic() - started
    row = _row_when_settled(email.pk)
    time.sleep(1.5)  # room for a wrong extra delivery to show up

    assert len(smtp_sink.messages) == 1, _explain(celery_worker, since)
    assert smtp_sink.refused == 2
    assert (row.status, row.attempts) == (OutboxEmail.Status.SENT, 3), _explain(celery_worker, since)
    assert "451" in row.last_error  # the last refusal is kept for the record
    assert elapsed >= BACKOFF_BASE_SECONDS * (1 + 2)  # it waited out the back-off
    assert smtp_sink.messages[0]["Message-ID"] == row.message_id
