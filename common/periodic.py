"""Periodic tasks run once per period, however many schedulers send them.

Exactly one ``celery beat`` should run, but a second one started by mistake (a deploy that
starts beat on two machines) must not double the work. A task decorated with
``once_per_period`` claims a Redis key (``SET NX PX`` with an expiry of 90 % of its period, as
scheduled in ``CELERY_BEAT_SCHEDULE``) when beat sent it; the second copy of the same tick
finds the key taken and does nothing. The expiry is Redis's own clock, so two machines whose
clocks differ still agree. Calls that did not come from beat (a person, a test, a retry) run
as usual: the task bodies are idempotent anyway, the lock only saves the duplicate work.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
from datetime import timedelta

from celery import current_task
from django.conf import settings

from common.workers import key_prefix, redis_client

logger = logging.getLogger(__name__)

DEFAULT_PERIOD_SECONDS = 60


def period_seconds(task_name: str) -> float:
    """The period of ``task_name`` in the beat schedule (the shortest, if listed twice)."""
    periods = []
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        if entry.get("task") != task_name:
            continue
        schedule = entry.get("schedule")
        if isinstance(schedule, timedelta):
            periods.append(schedule.total_seconds())
        elif isinstance(schedule, (int, float)):
            periods.append(float(schedule))
        elif hasattr(schedule, "run_every"):  # celery.schedules.schedule
            periods.append(schedule.run_every.total_seconds())
    return min(periods) if periods else DEFAULT_PERIOD_SECONDS


def lock_key(task_name: str) -> str:
    return f"{key_prefix()}:periodic:{task_name}"


def claim(task_name: str) -> bool:
    """Take this period's turn of ``task_name``; False when another copy already took it.

    The key lives 90 % of the period (in milliseconds): a copy of the same tick sent by a
    second beat, whatever its phase, lands inside it, and the next tick finds it expired.
    """
    ttl_ms = max(1, int(period_seconds(task_name) * 900))
    owner = f"{socket.gethostname()}:{os.getpid()}"
    client = redis_client()
    try:
        return bool(client.set(lock_key(task_name), owner, nx=True, px=ttl_ms))
    finally:
        client.close()


def sent_by_beat() -> bool:
    """Beat marks its messages with the ``celery_beat_task`` header."""
    task = current_task
    if not task:
        return False
    # A worker turns custom headers into attributes of the request; an eager call keeps them apart.
    return bool(getattr(task.request, "celery_beat_task", False) or (task.request.headers or {}).get("celery_beat_task"))


def once_per_period(func):
    """Decorate a periodic task's function (under ``@shared_task``): one run per beat period."""

    @functools.wraps(func)
    def guarded(*args, **kwargs):
        if sent_by_beat():
            name = current_task.name
            if not claim(name):
                logger.info("periodic task %s already ran this period; skipped", name)
                return None
        return func(*args, **kwargs)

    return guarded
