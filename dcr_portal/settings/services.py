"""The servers the portal talks to: PostgreSQL, Redis (cache and broker), Celery and its schedule.

Both URLs come from the environment. With none given, the launchers start the embedded servers
before settings are read (``devtools.embedded``), so importing settings never starts a server.
"""

import os
from datetime import timedelta

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import env_bool, env_list

# --- Services: PostgreSQL always ------------------------------------------------------
if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL and REDIS_URL must be set. `make run`, `make test` and `manage.py` start the "
        "embedded PostgreSQL and Redis and set them when they are missing (devtools.embedded)."
    )
DATABASE_URL = os.environ["DATABASE_URL"]
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("DCR_DB_CONN_MAX_AGE", "60")))}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL")

REDIS_URL = os.environ["REDIS_URL"]
# redis-py spells a unix socket "unix://", kombu "redis+socket://".
_CACHE_REDIS_URL = REDIS_URL.replace("redis+socket://", "unix://", 1)

CACHES = {
    "default": {
        "BACKEND": "common.cache.RedisCache",
        "LOCATION": _CACHE_REDIS_URL,
        "KEY_PREFIX": os.environ.get("DCR_CACHE_PREFIX", "dcr"),
        "TIMEOUT": 300,
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE = {
    "requeue-stuck-outbox": {
        "task": "notifications.tasks.requeue_stuck_emails",
        "schedule": timedelta(minutes=2),
    },
}

# Outbox tuning
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("DCR_OUTBOX_MAX_ATTEMPTS", "6"))
OUTBOX_STUCK_AFTER = timedelta(minutes=int(os.environ.get("DCR_OUTBOX_STUCK_MINUTES", "5")))
# First retry after this many seconds, then doubling (capped at one hour).
OUTBOX_BACKOFF_BASE_SECONDS = int(os.environ.get("DCR_OUTBOX_BACKOFF_BASE_SECONDS", "30"))

# Request drafts left unsent for seven days: remind the researcher, once.
CELERY_BEAT_SCHEDULE["consultations-drafts"] = {
    "task": "consultations.tasks.remind_unsent_drafts", "schedule": timedelta(hours=6),
}
# Consultation requests still waiting for triage after two working days: remind the centre, once.
CELERY_BEAT_SCHEDULE["consultations-overdue"] = {
    "task": "consultations.tasks.remind_overdue_requests", "schedule": timedelta(hours=1),
}

# A message a worker took and never acknowledged (the worker was killed) goes back to the
# queue after this many seconds; keep it above the longest task.
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = int(os.environ.get("DCR_BROKER_VISIBILITY_TIMEOUT", "3600"))
if CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] < 600:
    CELERY_BROKER_TRANSPORT_OPTIONS.update(unacked_restore_interval=1, unacked_restore_throttle=1)
# Several portals (staging, production) on one Redis: a prefix keeps their queues apart.
if os.environ.get("DCR_BROKER_KEY_PREFIX"):
    CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = os.environ["DCR_BROKER_KEY_PREFIX"]
WORKER_HEARTBEAT_SECONDS = float(os.environ.get("DCR_WORKER_HEARTBEAT_SECONDS", "30"))


# /readyz: its details (timings, errors, workers) for these networks or this token only.
HEALTH_DETAIL_NETWORKS = env_list("DCR_HEALTH_DETAIL_NETWORKS", "127.0.0.0/8,::1/128")
HEALTH_TOKEN = os.environ.get("DCR_HEALTH_TOKEN", "")
