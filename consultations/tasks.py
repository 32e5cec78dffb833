from __future__ import annotations

import logging

from celery import shared_task

from common.periodic import once_per_period

from . import follow_up, services

logger = logging.getLogger(__name__)


@shared_task(name="consultations.tasks.remind_unsent_drafts")
@once_per_period
def remind_unsent_drafts() -> int:
    """Email a researcher, once, about a request draft left unsent for seven days."""
    return follow_up.send_draft_reminders()


@shared_task(name="consultations.tasks.remind_overdue_requests")
@once_per_period
def remind_overdue_requests() -> int:
    """Email a centre's staff, once per request, when a request waits over two working days for triage."""
    reminded = services.send_overdue_reminders()
    if reminded:
        logger.info("sent overdue reminders for %s consultation requests", reminded)
    return reminded
