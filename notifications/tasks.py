from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.protected import scrub

from .models import OutboxEmail
from .services import deliver

logger = logging.getLogger(__name__)


def backoff_seconds(attempts: int) -> int:
    """30 s, 60 s, 2 min, 4 min, ... capped at one hour."""
    return min(30 * 2 ** max(attempts - 1, 0), 3600)


@shared_task(name="notifications.tasks.send_outbox_email", acks_late=True)
def send_outbox_email(email_id: int) -> str:
    """Send one outbox email, at most once.

    The row is locked while the message is handed to SMTP, so a re-queued duplicate task
    waits and then finds it sent. On failure the attempt is counted and a retry scheduled.
    """
    with transaction.atomic():
        email = (OutboxEmail.objects.select_for_update(skip_locked=True)
                 .filter(pk=email_id, status=OutboxEmail.Status.QUEUED).first())
        if email is None:
            return "nothing to do"
        email.attempts += 1
        try:
            deliver(email)
        except Exception as error:  # any delivery error is recorded and retried
            email.last_error = scrub(f"{type(error).__name__}: {error}")[:2000]
            if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                email.status = OutboxEmail.Status.FAILED
                logger.error("outbox email %s failed for good after %s attempts", email.pk, email.attempts)
            else:
                delay = backoff_seconds(email.attempts)
                email.next_attempt_at = timezone.now() + timezone.timedelta(seconds=delay)
                transaction.on_commit(lambda: send_outbox_email.apply_async((email.pk,), countdown=delay))
                logger.warning("outbox email %s attempt %s failed; retry in %ss", email.pk, email.attempts, delay)
            email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at", "updated_at"])
            return "failed"
        email.status = OutboxEmail.Status.SENT
        email.sent_at = timezone.now()
        email.save(update_fields=["attempts", "status", "sent_at", "updated_at"])
    logger.info("outbox email %s sent (%s)", email.pk, email.template)
    return "sent"


@shared_task(name="notifications.tasks.requeue_stuck_emails")
def requeue_stuck_emails() -> int:
    """Queue again every email that is due and was not sent (a lost task, a broker outage)."""
    now = timezone.now()
    due = list(
        OutboxEmail.objects.filter(
            status=OutboxEmail.Status.QUEUED,
            next_attempt_at__lte=now,
            updated_at__lte=now - settings.OUTBOX_STUCK_AFTER,
        ).values_list("pk", flat=True)[:500]
    )
    for pk in due:
        send_outbox_email.delay(pk)
    if due:
        logger.info("re-queued %s stuck outbox emails", len(due))
    return len(due)
