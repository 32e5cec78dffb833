"""The project's Celery app for a test worker: every task it consumes and sends on one queue.

The integration tests start ``celery -A tests.notifications.celery_test_app worker`` with
``DCR_TEST_CELERY_QUEUE`` set to a name made for the test run. The worker then reads only
that queue and sends its own retries there, so it never takes a task from (or gives one to)
another worker on the same Redis, such as a developer's ``make run``.
"""

import os

from dcr_portal.celery import app

app.conf.task_default_queue = os.environ["DCR_TEST_CELERY_QUEUE"]
# Nothing shared with other workers: no remote control, no start-up sync, no gossip.
app.conf.worker_enable_remote_control = False

__all__ = ["app"]
