"""Working-day arithmetic for the triage promise ("we reply within two working days")."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

SATURDAY = 5


def add_working_days(start: datetime, days: int) -> datetime:
    """``start`` plus ``days`` working days (Saturdays and Sundays do not count), in local time.

    A request sent at the weekend starts its clock on Monday at midnight; a request sent on
    Friday at 10:00 is due on Tuesday at 10:00.
    """
    local = timezone.localtime(start)
    if local.weekday() >= SATURDAY:
        local = (local + timedelta(days=7 - local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    counted = 0
    while counted < days:
        local += timedelta(days=1)
        if local.weekday() < SATURDAY:
            counted += 1
    # zoneinfo arithmetic keeps the wall-clock time across a daylight-saving change.
    return local
