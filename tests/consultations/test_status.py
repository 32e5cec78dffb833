"""The status machine: every allowed move works and leaves history; every other move is refused."""

from __future__ import annotations

import itertools

import pytest

from accounts import roles
from consultations import services
from common.workflow import InvalidTransition
from consultations.models import CLOSED_STATUSES, MOVES, ConsultationRequest, Status, StatusChange
from tests.consultations.factories import ConsultationRequestFactory

ALL_PAIRS = list(itertools.product(Status.values, Status.values))
ALLOWED = [(a, b) for a, b in ALL_PAIRS if b in MOVES[a]]
FORBIDDEN = [(a, b) for a, b in ALL_PAIRS if b not in MOVES[a]]


def _request_in(status, researcher, service, staff):
    assignee = staff if status in (Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD) else None
    return ConsultationRequestFactory(requester=researcher, service=service, status=status, assignee=assignee)


def _mover(to_status, researcher, staff):
    return researcher if to_status == Status.WITHDRAWN else staff


def test_the_table_names_every_status_and_only_statuses():
    assert set(MOVES) == set(Status.values)
    for moves in MOVES.values():
        assert moves <= set(Status.values)
    assert CLOSED_STATUSES == {Status.COMPLETED, Status.DECLINED, Status.WITHDRAWN}


def test_the_main_road_is_allowed():
    road = [Status.SUBMITTED, Status.TRIAGED, Status.ASSIGNED, Status.IN_PROGRESS, Status.COMPLETED]
    for here, there in itertools.pairwise(road):
        assert there in MOVES[here]


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_allowed_move_changes_status_and_writes_history(from_status, to_status, researcher, service, staff_a):
    consultation = _request_in(from_status, researcher, service, staff_a)
    by = _mover(to_status, researcher, staff_a)

    services.change_status(consultation, to_status, by=by, note="Reason given.", assignee=staff_a)

    consultation.refresh_from_db()
    assert consultation.status == to_status
    change = StatusChange.objects.get(request=consultation)
    assert (change.from_status, change.to_status, change.changed_by, change.note) == (
        from_status, to_status, by, "Reason given.")


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), FORBIDDEN)
def test_forbidden_move_is_refused_with_a_clear_message(from_status, to_status, researcher, service, staff_a):
    consultation = _request_in(from_status, researcher, service, staff_a)

    with pytest.raises(InvalidTransition) as refused:
        services.change_status(consultation, to_status, by=_mover(to_status, researcher, staff_a), note="x",
                               assignee=staff_a)

    message = refused.value.messages[0]
    assert consultation.reference in message
    assert f"cannot become {Status(to_status).label.lower()}" in message
    consultation.refresh_from_db()
    assert consultation.status == from_status
    assert not StatusChange.objects.filter(request=consultation).exists()


@pytest.mark.django_db
def test_unknown_status_is_refused(consultation, staff_a):
    with pytest.raises(InvalidTransition, match="not a status"):
        services.change_status(consultation, "archived", by=staff_a)


@pytest.mark.django_db
def test_declining_needs_a_reason(consultation, staff_a):
    with pytest.raises(InvalidTransition, match="reason"):
        services.change_status(consultation, Status.DECLINED, by=staff_a, note="  ")
    consultation.refresh_from_db()
    assert consultation.status == Status.SUBMITTED


@pytest.mark.django_db
def test_only_the_researcher_can_withdraw(consultation, staff_a, other_researcher):
    for someone_else in (staff_a, other_researcher):
        with pytest.raises(InvalidTransition, match="only the researcher"):
            services.change_status(consultation, Status.WITHDRAWN, by=someone_else)
    services.withdraw(consultation, by=consultation.requester)
    assert consultation.status == Status.WITHDRAWN


@pytest.mark.django_db
def test_work_cannot_start_without_a_consultant(researcher, service, staff_a):
    consultation = ConsultationRequestFactory(requester=researcher, service=service, status=Status.ON_HOLD)
    with pytest.raises(InvalidTransition, match="assign the request"):
        services.change_status(consultation, Status.IN_PROGRESS, by=staff_a)


@pytest.mark.django_db
def test_assigning_needs_someone_on_the_centres_staff(researcher, service, staff_a, staff_b):
    consultation = ConsultationRequestFactory(requester=researcher, service=service, status=Status.TRIAGED)
    with pytest.raises(InvalidTransition, match="not on the staff of"):
        services.change_status(consultation, Status.ASSIGNED, by=staff_a, assignee=staff_b)
    with pytest.raises(InvalidTransition, match="choose who"):
        services.change_status(consultation, Status.ASSIGNED, by=staff_a)


@pytest.mark.django_db
def test_timestamps_for_turnaround(consultation, staff_a):
    services.change_status(consultation, Status.TRIAGED, by=staff_a)
    triaged_at = consultation.triaged_at
    assert triaged_at is not None
    services.assign(consultation, staff_a, by=staff_a)
    services.change_status(consultation, Status.IN_PROGRESS, by=staff_a)
    assert consultation.completed_at is None
    services.change_status(consultation, Status.COMPLETED, by=staff_a)
    consultation.refresh_from_db()
    assert consultation.triaged_at == triaged_at
    assert consultation.completed_at is not None


@pytest.mark.django_db
def test_withdrawing_a_new_request_does_not_count_as_triage(consultation):
    services.withdraw(consultation, by=consultation.requester)
    consultation.refresh_from_db()
    assert consultation.triaged_at is None


@pytest.mark.django_db
def test_assigning_a_new_request_triages_it_on_the_way(consultation, staff_a):
    services.assign(consultation, staff_a, by=staff_a, note="Over to you.")

    assert consultation.status == Status.ASSIGNED
    assert consultation.assignee == staff_a
    moves = list(StatusChange.objects.filter(request=consultation).values_list("from_status", "to_status", "note"))
    assert moves == [(Status.SUBMITTED, Status.TRIAGED, "Triaged on assignment."),
                     (Status.TRIAGED, Status.ASSIGNED, "Over to you.")]
    assert consultation.triaged_at is not None


@pytest.mark.django_db
def test_handing_over_keeps_the_status_and_is_recorded(researcher, service, staff_a, center_a):
    from tests.factories import StaffMembershipFactory, UserFactory

    colleague = UserFactory(roles=[roles.DCR_STAFF], is_staff=True, full_name="Cole League")
    StaffMembershipFactory(user=colleague, center=center_a)
    consultation = ConsultationRequestFactory(requester=researcher, service=service, status=Status.IN_PROGRESS,
                                              assignee=staff_a)

    services.assign(consultation, colleague, by=staff_a)

    consultation.refresh_from_db()
    assert (consultation.status, consultation.assignee) == (Status.IN_PROGRESS, colleague)
    change = StatusChange.objects.get(request=consultation)
    assert change.from_status == change.to_status == Status.IN_PROGRESS
    assert "Handed over to Cole League" in change.note
    with pytest.raises(InvalidTransition, match="already assigned"):
        services.assign(consultation, colleague, by=staff_a)


@pytest.mark.django_db
@pytest.mark.parametrize("closed", sorted(CLOSED_STATUSES))
def test_closed_requests_cannot_be_assigned(closed, researcher, service, staff_a):
    consultation = ConsultationRequestFactory(requester=researcher, service=service, status=closed)
    with pytest.raises(InvalidTransition, match="cannot be assigned"):
        services.assign(consultation, staff_a, by=staff_a)


@pytest.mark.django_db
def test_a_refused_move_leaves_nothing_behind(consultation, staff_a, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(InvalidTransition):
            services.change_status(consultation, Status.COMPLETED, by=staff_a)
    assert ConsultationRequest.objects.get(pk=consultation.pk).status == Status.SUBMITTED
    assert outbox == []
