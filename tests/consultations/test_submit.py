"""Filing a request: where it goes, how many hours it gets, who hears about it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import roles
from consultations import services
from consultations.models import FundingStatus, Status, StatusChange, StudyStage
from tests.factories import CenterFactory, ServiceFactory, StaffMembershipFactory, UserFactory

SECRET_SUMMARY = "Confidential aims: compare drug X with drug Y in 40 volunteers."


def submit(researcher, service, **overrides):
    data = dict(requester=researcher, service=service, title="Pilot of a walking programme",
                summary=SECRET_SUMMARY, study_stage=StudyStage.PROTOCOL,
                funding_status=FundingStatus.UNFUNDED)
    data.update(overrides)
    return services.submit_request(**data)


@pytest.mark.django_db
def test_request_goes_to_the_services_centre_when_none_is_chosen(researcher, service, center_a):
    consultation = submit(researcher, service)
    assert consultation.center == center_a
    assert consultation.status == Status.SUBMITTED
    history = StatusChange.objects.get(request=consultation)
    assert (history.from_status, history.to_status, history.changed_by) == ("", Status.SUBMITTED, researcher)


@pytest.mark.django_db
def test_request_goes_to_the_centre_the_researcher_prefers(researcher, service, center_b):
    assert submit(researcher, service, center=center_b).center == center_b


@pytest.mark.django_db
def test_hours_allotted_come_from_the_service(researcher, center_a):
    faculty = ServiceFactory(center=center_a, typical_hours_min=6, typical_hours_max=8)
    longer = ServiceFactory(center=center_a, typical_hours_max=20)
    unspecified = ServiceFactory(center=center_a)
    assert submit(researcher, faculty).hours_allotted == Decimal("8")
    assert submit(researcher, longer).hours_allotted == Decimal("20")
    assert submit(researcher, unspecified).hours_allotted == Decimal("8")


@pytest.mark.django_db
def test_service_refuses_a_past_deadline_and_a_missing_sponsor(researcher, service):
    with pytest.raises(ValidationError) as past:
        submit(researcher, service, deadline=timezone.localdate() - datetime.timedelta(days=1))
    assert "deadline" in past.value.message_dict
    with pytest.raises(ValidationError) as sponsor:
        submit(researcher, service, funding_status=FundingStatus.INDUSTRY)
    assert "sponsor" in sponsor.value.message_dict


@pytest.mark.django_db
def test_overdue_time_is_two_working_days_after_submission(researcher, service):
    consultation = submit(researcher, service)
    assert consultation.overdue_at > consultation.submitted_at + datetime.timedelta(days=1, hours=23)
    assert not consultation.is_overdue


@pytest.mark.django_db
def test_researcher_and_centre_staff_are_told_without_the_summary(
        researcher, service, staff_a, staff_b, study_team_member, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        consultation = submit(researcher, service)

    by_recipient = {message.to[0]: message for message in outbox}
    # staff_b works for another centre; the study-team member of centre A does not triage consultations.
    assert set(by_recipient) == {researcher.email, staff_a.email}
    received = by_recipient[researcher.email]
    assert consultation.reference in received.subject
    assert f"/consultations/{consultation.reference}/" in received.body
    staff_mail = by_recipient[staff_a.email]
    assert f"/admin/consultations/consultationrequest/{consultation.pk}/change/" in staff_mail.body
    for message in outbox:
        assert "drug X" not in message.body and "drug X" not in message.subject


@pytest.mark.django_db
def test_inactive_staff_hear_nothing(researcher, outbox, django_capture_on_commit_callbacks):
    center = CenterFactory()
    retired = UserFactory(roles=[roles.DCR_STAFF], is_staff=True, is_active=False)
    StaffMembershipFactory(user=retired, center=center)
    with django_capture_on_commit_callbacks(execute=True):
        submit(researcher, ServiceFactory(center=center))
    assert [message.to[0] for message in outbox] == [researcher.email]
