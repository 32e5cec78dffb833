"""Every status move of a request goes through one function and its allowed-moves table."""

import pytest
from django.core.exceptions import ValidationError

from biobank import services
from biobank.models import RecontactRequest, SampleRequest
from common.workflow import InvalidTransition
from notifications.models import OutboxEmail
from tests.biobank.factories import RecontactRequestFactory, SampleRequestFactory

ALL = [(model, start, to) for model in (SampleRequest, RecontactRequest)
       for start in model.Status.values for to in model.Status.values]


@pytest.mark.django_db
@pytest.mark.parametrize("model, start, to", ALL)
def test_only_listed_moves_are_allowed(model, start, to, researcher, biobank_staff):
    factory = SampleRequestFactory if model is SampleRequest else RecontactRequestFactory
    obj = factory(researcher=researcher, status=start)
    by = researcher if to == "withdrawn" else biobank_staff
    allowed = to in model.MOVES[start]
    if allowed and to in model.FULFILMENT:
        with pytest.raises(InvalidTransition):  # only after reserving, distributing or selecting
            services.move_request(obj, to, by=by)
    elif allowed:
        services.move_request(obj, to, by=by, reason="A reason.")
        obj.refresh_from_db()
        assert obj.status == to
    else:
        with pytest.raises(InvalidTransition):
            services.move_request(obj, to, by=by, reason="A reason.")
        obj.refresh_from_db()
        assert obj.status == start


@pytest.mark.django_db
def test_declining_needs_a_reason(biobank_staff):
    obj = SampleRequestFactory()
    with pytest.raises(ValidationError) as caught:
        services.move_request(obj, "declined", by=biobank_staff, reason="  ")
    assert "reason" in caught.value.message_dict


@pytest.mark.django_db
def test_a_researcher_cannot_approve_and_staff_cannot_withdraw(researcher, biobank_staff):
    obj = SampleRequestFactory(researcher=researcher, status="under_review")
    with pytest.raises(InvalidTransition):
        services.move_request(obj, "approved", by=researcher)
    with pytest.raises(InvalidTransition):
        services.move_request(obj, "withdrawn", by=biobank_staff)


@pytest.mark.django_db
def test_other_staff_roles_cannot_review(staff_a):
    obj = SampleRequestFactory()
    with pytest.raises(InvalidTransition):
        services.move_request(obj, "under_review", by=staff_a)


@pytest.mark.django_db
def test_a_move_writes_history_and_tells_the_researcher(researcher, biobank_staff,
                                                        django_capture_on_commit_callbacks, outbox):
    obj = SampleRequestFactory(researcher=researcher)
    with django_capture_on_commit_callbacks(execute=True):
        services.move_request(obj, "under_review", by=biobank_staff)
        services.move_request(obj, "approved", by=biobank_staff, reason="Approved for 5 samples.")
    history = list(obj.history.order_by("history_date").values_list("status", "history_user_id"))
    assert history[-2:] == [("under_review", biobank_staff.pk), ("approved", biobank_staff.pk)]
    obj.refresh_from_db()
    assert obj.decided_by == biobank_staff and obj.decision_reason == "Approved for 5 samples."
    assert [m.to[0] for m in outbox] == [researcher.email, researcher.email]
    assert all("news" in m.body and "approved" not in m.body.lower() for m in outbox)


@pytest.mark.django_db
def test_emails_carry_no_counts_or_protected_data(researcher, biobank_staff):
    obj = SampleRequestFactory(researcher=researcher)
    services.move_request(obj, "under_review", by=biobank_staff)
    email = OutboxEmail.objects.get(template="biobank_request_status")
    assert set(email.context) == {"reference", "kind", "path"}


@pytest.mark.django_db
def test_the_status_form_offers_only_review_moves(biobank_staff):
    assert [v for v, _ in SampleRequestFactory(status="approved").staff_moves()] == []
    assert [v for v, _ in SampleRequestFactory(status="under_review").staff_moves()] == ["approved", "declined"]
    assert [v for v, _ in RecontactRequestFactory(status="contacting").staff_moves()] == []
