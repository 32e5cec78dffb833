"""The one status function of partnership inquiries and its allowed-moves table."""

import pytest

from common.workflow import InvalidTransition

from collaborations import services
from collaborations.models import Inquiry

S = Inquiry.Status


@pytest.fixture
def inquiry(db):
    return services.submit_inquiry(organisation="Org", kind="industry", contact_name="Jo", contact_email="jo@example.org",
                                   area="other", proposal="A proposal that is long enough to be accepted.")


def test_references_are_distinct_and_ordered(db):
    refs = [services.submit_inquiry(organisation=f"Org {i}", kind="academic", contact_name="Jo",
                                    contact_email="jo@example.org", area="other",
                                    proposal="A proposal that is long enough to be accepted.").reference
            for i in range(3)]
    assert len(set(refs)) == 3
    assert sorted(refs) == refs


def test_allowed_path_to_agreement_writes_history(inquiry, staff_a):
    for status in (S.IN_REVIEW, S.IN_DISCUSSION, S.AGREED, S.CLOSED):
        inquiry = services.change_status(inquiry, status, by=staff_a)
    assert inquiry.status == S.CLOSED
    assert list(inquiry.status_changes.values_list("to_status", flat=True)) == [
        S.NEW, S.IN_REVIEW, S.IN_DISCUSSION, S.AGREED, S.CLOSED]
    assert inquiry.status_changes.last().by == staff_a


@pytest.mark.parametrize("start,target", [(S.NEW, S.AGREED), (S.NEW, S.IN_DISCUSSION), (S.DECLINED, S.IN_REVIEW)])
def test_forbidden_moves_are_refused_with_a_clear_message(inquiry, staff_a, start, target):
    Inquiry.objects.filter(pk=inquiry.pk).update(status=start)
    inquiry.refresh_from_db()
    with pytest.raises(InvalidTransition) as error:
        services.change_status(inquiry, target, by=staff_a)
    assert "cannot be moved" in str(error.value)
    inquiry.refresh_from_db()
    assert inquiry.status == start


def test_declining_needs_a_reason(inquiry, staff_a):
    with pytest.raises(InvalidTransition, match="reason"):
        services.change_status(inquiry, S.DECLINED, by=staff_a, reason="  ")
    inquiry = services.change_status(inquiry, S.DECLINED, by=staff_a, reason="Not a fit this year.")
    assert inquiry.decision_reason == "Not a fit this year."


def test_partner_hears_there_is_news_without_the_news(inquiry, staff_a, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(inquiry, S.DECLINED, by=staff_a, reason="Budget is committed elsewhere.")
    assert len(outbox) == 1
    assert "news" in outbox[0].body
    assert "Budget" not in outbox[0].body and "Declined" not in outbox[0].body


def test_assigning_a_new_inquiry_starts_its_review(inquiry, staff_a):
    inquiry = services.assign(inquiry, staff_a, by=staff_a)
    assert inquiry.assignee == staff_a
    assert inquiry.status == S.IN_REVIEW


def test_only_staff_can_be_assigned(inquiry, researcher, staff_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.assign(inquiry, researcher, by=staff_a)
