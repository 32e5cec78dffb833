"""The project's Celery app plus one periodic test task, for the scale-out test's workers and beat.

``tick`` is guarded like every periodic task (``once_per_period``) and records each run of its
body (time and worker) in a Redis list the test reads.
"""

import time

from celery import current_task

from dcr_portal.celery import app
from common.periodic import once_per_period
from common.workers import key_prefix, redis_client


def ticks_key() -> str:
    return f"{key_prefix()}:test-ticks"


@app.task(name="tests.production.scale_app.tick")
@once_per_period
def tick() -> str:
    client = redis_client()
    try:
        client.rpush(ticks_key(), f"{time.time():.3f} {current_task.request.hostname}")
    finally:
        client.close()
    return "ran"


__all__ = ["app"]
