from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from common.periodic import once_per_period

logger = logging.getLogger(__name__)


@shared_task(name="studies.tasks.sync_ctgov")
@once_per_period
def sync_ctgov() -> str:
    """Nightly: pull the configured registry search (DCR_CTGOV_SYNC_QUERY); nothing when none is set."""
    from centers.models import Center

    from .ctgov.sync import sync

    if not settings.CTGOV_SYNC_QUERY:
        return "no search configured"
    center = Center.objects.filter(slug=settings.CTGOV_SYNC_CENTER).first()
    if center is None:
        logger.error("registry sync: no centre with slug %s", settings.CTGOV_SYNC_CENTER)
        return "no centre"
    report = sync(base_url=settings.CTGOV_API_BASE, query=settings.CTGOV_SYNC_QUERY, center=center,
                  page_size=settings.CTGOV_SYNC_PAGE_SIZE, timeout=settings.CTGOV_SYNC_TIMEOUT_SECONDS)
    for message in report.errors:
        logger.error("registry sync: %s", message)
    return report.summary


@shared_task(name="studies.tasks.send_study_alerts")
@once_per_period
def send_study_alerts() -> str:
    """Hourly (CELERY_BEAT_SCHEDULE): the study alerts' daily and weekly digests (at most one per
    alert and period, whatever the number of runs), and the expiry of unconfirmed alerts."""
    from .alert_matching import run

    return str(run())
