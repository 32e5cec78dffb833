"""Model rules kept by the database and the working-day clock behind the overdue flag."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from consultations.models import Status
from consultations.workdays import add_working_days
from tests.consultations.factories import ConsultationRequestFactory, TimeEntryFactory

NEW_YORK = ZoneInfo("America/New_York")


def local(*args):
    return datetime.datetime(*args, tzinfo=NEW_YORK)


@pytest.mark.parametrize(("start", "due"), [
    (local(2026, 11, 23, 9, 30), local(2026, 11, 25, 9, 30)),   # Monday -> Wednesday
    (local(2026, 11, 26, 15, 0), local(2026, 11, 30, 15, 0)),   # Thursday -> Monday
    (local(2026, 11, 27, 10, 0), local(2026, 12, 1, 10, 0)),    # Friday -> Tuesday
    (local(2026, 11, 28, 18, 0), local(2026, 12, 2, 0, 0)),     # Saturday: the clock starts Monday 00:00
    (local(2026, 11, 29, 8, 0), local(2026, 12, 2, 0, 0)),      # Sunday, the same
])
def test_two_working_days_skip_the_weekend(settings, start, due):
    settings.TIME_ZONE = "America/New_York"
    with timezone.override(NEW_YORK):
        assert add_working_days(start, 2) == due


def test_the_wall_clock_time_survives_a_daylight_saving_change():
    with timezone.override(NEW_YORK):
        # Clocks go back on Sunday 1 November 2026.
        assert add_working_days(local(2026, 10, 30, 9, 0), 2) == local(2026, 11, 3, 9, 0)
        assert add_working_days(local(2026, 10, 30, 9, 0), 2).utcoffset() == datetime.timedelta(hours=-5)


@pytest.mark.django_db
def test_overdue_means_still_submitted_after_the_deadline(researcher, service, staff_a):
    late = timezone.now() - datetime.timedelta(days=10)
    assert ConsultationRequestFactory(requester=researcher, service=service, submitted_at=late).is_overdue
    assert not ConsultationRequestFactory(requester=researcher, service=service).is_overdue
    assert not ConsultationRequestFactory(requester=researcher, service=service, submitted_at=late,
                                          status=Status.TRIAGED).is_overdue


@pytest.mark.django_db
def test_assigned_or_started_requests_must_have_a_consultant(researcher, service):
    for status in (Status.ASSIGNED, Status.IN_PROGRESS):
        with pytest.raises(IntegrityError), transaction.atomic():
            ConsultationRequestFactory(requester=researcher, service=service, status=status, assignee=None)


@pytest.mark.django_db
def test_references_are_unique(researcher, service):
    ConsultationRequestFactory(requester=researcher, service=service, reference="DCR-2026-00001")
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationRequestFactory(requester=researcher, service=service, reference="DCR-2026-00001")


@pytest.mark.django_db
def test_time_entries_need_positive_hours_and_no_future_date(consultation, staff_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeEntryFactory(request=consultation, consultant=staff_a, hours=Decimal("0"))
    entry = TimeEntryFactory.build(request=consultation, consultant=staff_a,
                                   date=timezone.localdate() + datetime.timedelta(days=1), hours=Decimal("-1"))
    with pytest.raises(ValidationError) as refused:
        entry.full_clean()
    assert set(refused.value.message_dict) == {"hours", "date"}


@pytest.mark.django_db
def test_a_request_knows_when_its_free_hours_are_used_up(consultation):
    consultation.hours_used = Decimal("7.75")
    assert not consultation.allotment_used_up
    consultation.hours_used = Decimal("8")
    assert consultation.allotment_used_up


@pytest.mark.django_db
def test_status_changes_are_kept_in_the_change_history(consultation, staff_a):
    from consultations import services

    services.change_status(consultation, Status.TRIAGED, by=staff_a)
    assert list(consultation.history.order_by("history_date").values_list("status", flat=True)) == [
        Status.SUBMITTED, Status.TRIAGED]
