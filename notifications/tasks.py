"""Celery tasks of the outbox; the rules live in ``notifications.services``."""

from __future__ import annotations

from celery import shared_task

from common.periodic import once_per_period

from . import services


@shared_task(name="notifications.tasks.send_outbox_email", acks_late=True)
def send_outbox_email(email_id: int) -> str:
    """Deliver one outbox email if it is queued and due (at most once: see the service)."""
    return services.send_queued_email(email_id)


@shared_task(name="notifications.tasks.send_outbox_emails", acks_late=True)
def send_outbox_emails(email_ids: list[int]) -> int:
    """Deliver a batch of outbox emails (``queue_emails``); each one at most once, as above."""
    return sum(services.send_queued_email(email_id) == "sent" for email_id in email_ids)


@shared_task(name="notifications.tasks.requeue_stuck_emails")
@once_per_period
def requeue_stuck_emails() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): queue again what is due and was not sent; once per period."""
    return services.requeue_stuck()
