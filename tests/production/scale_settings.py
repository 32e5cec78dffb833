"""Production settings for the scale-out test's web servers, workers and scheduler.

Everything is ``dcr_portal.settings`` with ``DCR_ENV=production`` from the environment, except
two things a test needs: static files are served from static/ (no ``collectstatic`` run per
test), and the beat schedule has a short-period task whose runs the test counts.
"""

import os
from datetime import timedelta

from dcr_portal.settings import *  # noqa: F403
from dcr_portal.settings import CELERY_BEAT_SCHEDULE, STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True

TICK_SECONDS = float(os.environ.get("DCR_TEST_TICK_SECONDS", "2"))
CELERY_BEAT_SCHEDULE = {
    **CELERY_BEAT_SCHEDULE,
    "scale-test-tick": {"task": "tests.production.scale_app.tick", "schedule": timedelta(seconds=TICK_SECONDS)},
}
