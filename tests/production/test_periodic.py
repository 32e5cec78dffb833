"""Periodic tasks: once per beat period however many schedulers send them, harmless when run twice."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core import mail

from consultations import tasks as consultation_tasks
from studies import tasks as studies_tasks
from common import periodic
from common.workers import redis_client
from notifications import tasks as notification_tasks

BEAT = {"celery_beat_task": True}


@pytest.fixture
def clean_locks():
    names = [notification_tasks.requeue_stuck_emails.name, consultation_tasks.remind_overdue_requests.name]
    client = redis_client()
    client.delete(*[periodic.lock_key(name) for name in names])
    yield
    client.delete(*[periodic.lock_key(name) for name in names])
    client.close()


def test_every_scheduled_task_is_guarded_and_its_period_is_read_from_the_schedule(settings):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == {notification_tasks.requeue_stuck_emails.name, consultation_tasks.remind_overdue_requests.name,
                         studies_tasks.sync_ctgov.name, studies_tasks.send_study_alerts.name,
                         consultation_tasks.remind_unsent_drafts.name}
    assert periodic.period_seconds(studies_tasks.send_study_alerts.name) == 3600
    assert periodic.period_seconds(consultation_tasks.remind_overdue_requests.name) == 3600
    assert periodic.period_seconds(consultation_tasks.remind_unsent_drafts.name) == 6 * 3600
    assert periodic.period_seconds("not.scheduled") == periodic.DEFAULT_PERIOD_SECONDS


@pytest.mark.django_db
def test_a_second_beat_sending_the_same_tick_does_no_work(clean_locks, caplog):
    first = notification_tasks.requeue_stuck_emails.apply(headers=BEAT).get()
    second = notification_tasks.requeue_stuck_emails.apply(headers=BEAT).get()
    assert first == 0  # ran (nothing was stuck)
    assert second is None  # skipped: this period's turn was taken
    assert "already ran this period; skipped" in caplog.text
    ttl_ms = redis_client().pttl(periodic.lock_key(notification_tasks.requeue_stuck_emails.name))
    assert 0 < ttl_ms <= 0.9 * 120 * 1000  # 90 % of the two-minute period


@pytest.mark.django_db
def test_the_next_period_runs_again(clean_locks, settings):
    name = notification_tasks.requeue_stuck_emails.name
    settings.CELERY_BEAT_SCHEDULE = {"requeue": {"task": name, "schedule": timedelta(seconds=0.3)}}
    assert notification_tasks.requeue_stuck_emails.apply(headers=BEAT).get() == 0
    assert notification_tasks.requeue_stuck_emails.apply(headers=BEAT).get() is None
    time.sleep(0.3)
    assert notification_tasks.requeue_stuck_emails.apply(headers=BEAT).get() == 0


@pytest.mark.django_db
def test_calls_not_sent_by_beat_are_not_held_back(clean_locks):
    assert notification_tasks.requeue_stuck_emails.apply(headers=BEAT).get() == 0
    assert notification_tasks.requeue_stuck_emails() == 0  # by hand: runs (and is idempotent)


@pytest.mark.django_db(transaction=True)
def test_overdue_reminders_run_twice_by_accident_email_each_person_once(clean_locks, researcher, service, staff_a):
    from tests.consultations.factories import ConsultationRequestFactory

    consultation = ConsultationRequestFactory(requester=researcher, service=service, center=service.center)
    type(consultation).objects.filter(pk=consultation.pk).update(overdue_at=consultation.submitted_at - timedelta(days=1))
    mail.outbox = []
    assert consultation_tasks.remind_overdue_requests() == 1
    assert consultation_tasks.remind_overdue_requests() == 0  # a duplicate run (no lock involved)
    reminders = [m for m in mail.outbox if staff_a.email in m.to]
    assert len(reminders) == 1
