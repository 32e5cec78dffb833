"""Who is emailed when, through the outbox; emails never carry a message or a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import roles
from consultations import services, tasks
from consultations.models import Status
from notifications.models import OutboxEmail
from tests.consultations.factories import ConsultationRequestFactory

SECRET = "The interim numbers look promising for arm B."


@pytest.fixture
def mailed(outbox, django_capture_on_commit_callbacks):
    """Run a block and return the emails it caused: ``with mailed() as sent: ...``."""
    from contextlib import contextmanager

    @contextmanager
    def _mailed():
        sent, before = [], len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            yield sent
        sent.extend(mail.outbox[before:])

    return _mailed


@pytest.mark.django_db
def test_assignment_tells_the_researcher_who_their_consultant_is(consultation, staff_a, mailed):
    with mailed() as sent:
        services.assign(consultation, staff_a, by=staff_a)
    assert [m.to[0] for m in sent] == [consultation.requester.email]
    assert "Stella Staff-A" in sent[0].body
    assert consultation.get_absolute_url() in sent[0].body


@pytest.mark.django_db
@pytest.mark.parametrize("to_status", [Status.TRIAGED, Status.ON_HOLD, Status.DECLINED])
def test_status_change_tells_the_researcher_but_not_the_reason(to_status, consultation, staff_a, mailed):
    with mailed() as sent:
        services.change_status(consultation, to_status, by=staff_a, note=SECRET)
    assert [m.to[0] for m in sent] == [consultation.requester.email]
    assert Status(to_status).label in sent[0].subject
    assert SECRET not in sent[0].body


@pytest.mark.django_db
def test_withdrawing_sends_the_researcher_nothing(consultation, mailed):
    with mailed() as sent:
        services.withdraw(consultation, by=consultation.requester)
    assert sent == []


@pytest.mark.django_db
def test_staff_message_tells_the_researcher_to_sign_in(consultation, staff_a, mailed):
    with mailed() as sent:
        services.post_message(consultation, author=staff_a, body=SECRET)
    assert [m.to[0] for m in sent] == [consultation.requester.email]
    assert "new message" in sent[0].body and "Sign in" in sent[0].body
    assert SECRET not in sent[0].body


@pytest.mark.django_db
def test_internal_note_tells_nobody(consultation, staff_a, mailed):
    with mailed() as sent:
        services.post_message(consultation, author=staff_a, body=SECRET, internal=True)
    assert sent == []


@pytest.mark.django_db
def test_researcher_message_goes_to_the_consultant_once_assigned(researcher, service, staff_a, center_a, mailed):
    from tests.factories import StaffMembershipFactory, UserFactory

    colleague = UserFactory(roles=[roles.DCR_STAFF], is_staff=True)
    StaffMembershipFactory(user=colleague, center=center_a)
    unassigned = ConsultationRequestFactory(requester=researcher, service=service)
    assigned = ConsultationRequestFactory(requester=researcher, service=service, status=Status.ASSIGNED,
                                          assignee=staff_a)
    with mailed() as sent:
        services.post_message(unassigned, author=researcher, body=SECRET)
    assert sorted(m.to[0] for m in sent) == sorted([staff_a.email, colleague.email])
    with mailed() as sent:
        services.post_message(assigned, author=researcher, body=SECRET)
    assert [m.to[0] for m in sent] == [staff_a.email]
    assert SECRET not in sent[0].body
    assert f"/admin/consultations/consultationrequest/{assigned.pk}/change/" in sent[0].body


@pytest.mark.django_db
def test_researcher_cannot_write_internal_notes_or_on_closed_requests(researcher, service):
    open_request = ConsultationRequestFactory(requester=researcher, service=service)
    with pytest.raises(ValidationError, match="Only staff"):
        services.post_message(open_request, author=researcher, body="hi", internal=True)
    with pytest.raises(ValidationError, match="Write a message"):
        services.post_message(open_request, author=researcher, body="   ")
    closed = ConsultationRequestFactory(requester=researcher, service=service, status=Status.COMPLETED)
    with pytest.raises(ValidationError, match="no more messages"):
        services.post_message(closed, author=researcher, body="One more question")


@pytest.mark.django_db
def test_overdue_reminder_goes_to_centre_staff_once(researcher, service, staff_a, staff_b, mailed):
    long_ago = timezone.now() - timedelta(days=7)
    late = ConsultationRequestFactory(requester=researcher, service=service, submitted_at=long_ago)
    ConsultationRequestFactory(requester=researcher, service=service)  # fresh: not overdue
    ConsultationRequestFactory(requester=researcher, service=service, submitted_at=long_ago,
                               status=Status.TRIAGED)  # already triaged

    with mailed() as sent:
        assert tasks.remind_overdue_requests.delay().get() == 1
    assert [m.to[0] for m in sent] == [staff_a.email]
    assert late.reference in sent[0].subject
    assert tasks.remind_overdue_requests() == 0
    assert OutboxEmail.objects.filter(template="consultation_overdue").count() == 1


def test_the_reminder_runs_every_hour():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["consultations-overdue"]
    assert entry["task"] == tasks.remind_overdue_requests.name
    assert entry["schedule"] == timedelta(hours=1)
