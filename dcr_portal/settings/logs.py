"""Logging: one line per record, JSON in production; protected values are scrubbed from every record."""

import os

from .base import PRODUCTION

LOG_FORMAT = os.environ.get("DCR_LOG_FORMAT", "json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "scrub_protected": {"()": "accounts.logging.ProtectedDataFilter"},
        "request_id": {"()": "common.request_log.RequestIdFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT,
                    "filters": ["request_id", "scrub_protected"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DCR_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's own request log repeats the access line (and would print query strings).
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}
# Celery keeps Django's logging instead of installing its own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

