"""The Celery application: configured from Django settings (``CELERY_*``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dcr_portal.settings")

app = Celery("dcr_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Carries the request id of the web request that queued a task into the task's log lines.
from common import request_log  # noqa: E402,F401
# Each worker writes a heartbeat to Redis (``/readyz`` and ``manage.py worker_health`` read it).
from common import workers  # noqa: E402,F401
