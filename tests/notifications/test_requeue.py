"""requeue_stuck_emails (periodic): re-sends what is due and stuck, once per stuck period."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import OutboxEmail
from notifications.tasks import requeue_stuck_emails
from tests.notifications.factories import OutboxEmailFactory


def _stuck(email: OutboxEmail, minutes: int = 10) -> OutboxEmail:
    # update() leaves auto_now alone: the row looks untouched for `minutes`.
    OutboxEmail.objects.filter(pk=email.pk).update(updated_at=timezone.now() - timedelta(minutes=minutes))
    return email


@pytest.fixture
def rows(db):
    now = timezone.now()
    return {
        "stuck": _stuck(OutboxEmailFactory(recipient="stuck@example.org")),
        "recent": OutboxEmailFactory(recipient="recent@example.org"),
        "backing_off": _stuck(OutboxEmailFactory(recipient="backing-off@example.org", attempts=2,
                                                 next_attempt_at=now + timedelta(minutes=5))),
        "sent": _stuck(OutboxEmailFactory(recipient="sent@example.org", status=OutboxEmail.Status.SENT)),
        "failed": _stuck(OutboxEmailFactory(recipient="failed@example.org", status=OutboxEmail.Status.FAILED)),
    }


def test_only_due_stuck_queued_emails_are_sent_again(rows, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stuck_emails() == 1

    assert [message.to for message in outbox] == [["stuck@example.org"]]
    assert OutboxEmail.objects.get(pk=rows["stuck"].pk).status == OutboxEmail.Status.SENT
    assert set(OutboxEmail.objects.filter(status=OutboxEmail.Status.QUEUED).values_list("recipient", flat=True)) == {
        "recent@example.org", "backing-off@example.org"}


def test_a_second_run_does_not_queue_the_same_email_again(rows, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        assert requeue_stuck_emails() == 1
        assert requeue_stuck_emails() == 0
    assert len(queued) == 1


def test_an_email_still_stuck_later_is_queued_again(rows, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        requeue_stuck_emails()
        _stuck(rows["stuck"])
        assert requeue_stuck_emails() == 1
    assert len(queued) == 2


def test_the_stuck_period_comes_from_the_settings(rows, settings):
    settings.OUTBOX_STUCK_AFTER = timedelta(minutes=15)
    assert requeue_stuck_emails() == 0
    settings.OUTBOX_STUCK_AFTER = timedelta(minutes=0)
    assert requeue_stuck_emails() == 2  # the stuck one and the recent one


def test_the_periodic_task_is_scheduled(settings):
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["notifications.tasks.requeue_stuck_emails"] <= settings.OUTBOX_STUCK_AFTER
